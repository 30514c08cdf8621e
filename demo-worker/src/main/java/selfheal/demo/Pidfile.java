package selfheal.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The pidfile: written whole (temp file, then rename), and removed only while it still names this process. */
record Pidfile(Path path) {

    void write(long pid) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
        try {
            Files.writeString(temp, pid + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    void deleteIfOwnedBy(long pid) {
        try {
            if (Files.readString(path, StandardCharsets.US_ASCII).trim().equals(Long.toString(pid))) {
                Files.delete(path);
            }
        } catch (IOException gone) {
            // nothing to clean up
        }
    }
}
