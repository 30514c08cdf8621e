package selfheal.check.service;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The jar the service's classes came from, as it was when the service started. An upgrade that replaces it
 * must not leave the service answering checks with the old code while a check in a JVM of its own runs the
 * new: the service sees the replacement at the next check and stops, and systemd starts it anew.
 */
final class OwnJar {
    /** Not from a jar (tests run from a classes directory): nothing to watch. */
    static final OwnJar NONE = new OwnJar(null, null);

    private final Path path;
    private final String identity;

    private OwnJar(Path path, String identity) {
        this.path = path;
        this.identity = identity;
    }

    /** The jar {@code type} was loaded from, or NONE. */
    static OwnJar of(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        try {
            Path path = source == null ? null : Path.of(source.getLocation().toURI());
            return path == null || !Files.isRegularFile(path) ? NONE : at(path);
        } catch (URISyntaxException | IllegalArgumentException | IOException e) {
            return NONE;
        }
    }

    static OwnJar at(Path path) throws IOException {
        return new OwnJar(path, identity(path));
    }

    /** Whether the file at the jar's path is no longer the one of the start: another file, or rewritten. */
    boolean replaced() {
        if (path == null) {
            return false;
        }
        try {
            return !identity.equals(identity(path));
        } catch (IOException e) {
            return true; // gone: whatever comes next is not what this JVM runs
        }
    }

    Path path() {
        return path;
    }

    /** Inode, size and modification time: a rename over it, a rewrite in place and a touch all change it. */
    private static String identity(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return Objects.toString(attributes.fileKey()) + " " + attributes.size() + " "
                + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    }
}
