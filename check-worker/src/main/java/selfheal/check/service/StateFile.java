package selfheal.check.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the check service tells its clients how to reach it: one line, {@code PORT TOKEN}, in a file only
 * the service's user can read (mode 0600). The plugins' launchers read it with a shell builtin; whoever can
 * read it may ask for checks, so it lives in a directory of that user's (systemd's RuntimeDirectory).
 */
final class StateFile {
    private final Path path;
    private final String content;

    private StateFile(Path path, String content) {
        this.path = path;
        this.content = content;
    }

    /** Writes the file atomically, replacing one a previous run left: a client never reads half a line. */
    static StateFile write(Path path, int port, String token) throws IOException {
        String content = port + " " + token + "\n";
        Path parent = path.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(parent, ".service", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return new StateFile(path, content);
    }

    /**
     * Removes the file if it is still this run's: a service started since has written its own, which must
     * stay. (Between the read and the delete another could replace it; its clients then fall back to a JVM
     * of their own until it is restarted, which costs time, never a result.)
     */
    void remove() {
        try {
            if (content.equals(Files.readString(path, StandardCharsets.US_ASCII))) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // gone already, or unreadable: either way no client can be sent to this run through it
        }
    }
}
