package selfheal.heal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One file of state in state.dir, read and replaced safely: never opened through a symbolic link, a file
 * that cannot be read is a {@link StateException} (fail closed), and a replacement goes through a temporary
 * file created anew, forced to disk and renamed over it. What the bytes mean is the caller's
 * ({@link TimesFile}, {@link HealHistory}); callers hold the command's {@link GroupLock} while they read,
 * modify and write.
 */
final class StateFile {
    private final Path file;

    StateFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** The file's bytes; none when there is no file yet. */
    byte[] read() throws StateException {
        try (InputStream in = Channels.newInputStream(FileChannel.open(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS))) {
            return in.readAllBytes();
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            throw new StateException(file + " cannot be read: " + e, e);
        }
    }

    /** Replaces the file with exactly {@code bytes}, on disk before it returns. */
    void replace(byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp); // a leftover, or whatever was planted there: the link, never its target
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** True if there was a file. */
    boolean delete() throws IOException {
        return Files.deleteIfExists(file);
    }
}
