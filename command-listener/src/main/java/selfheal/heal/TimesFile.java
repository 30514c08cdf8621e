package selfheal.heal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of times in state.dir: epoch milliseconds, one per line, each ended by a newline; what the budget
 * ledger and the settle of a command keep between listener processes. Fails closed: a file that cannot be
 * read or parsed (a damaged or a truncated line, a symbolic link, not a file) is a {@link StateException},
 * never an empty list. Never opened through a symbolic link; replaced atomically through a temporary file
 * created anew. Callers hold the command's {@link GroupLock} while they read, modify and write.
 */
final class TimesFile {
    private final Path file;

    TimesFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** The times on record; none if there is no file yet; a StateException if it cannot be trusted. */
    List<Long> read() throws StateException {
        byte[] bytes;
        try (InputStream in = Channels.newInputStream(FileChannel.open(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS))) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        } catch (IOException e) {
            throw new StateException(file + " cannot be read: " + e, e);
        }
        List<Long> times = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                times.add(number(bytes, start, i, times.size() + 1));
                start = i + 1;
            }
        }
        if (start != bytes.length) {
            throw new StateException(file + ": line " + (times.size() + 1) + " is truncated");
        }
        return times;
    }

    private long number(byte[] bytes, int from, int to, int lineNumber) throws StateException {
        long value = 0;
        for (int i = from; i < to; i++) {
            if (bytes[i] < '0' || bytes[i] > '9' || i - from >= 18) {
                throw new StateException(file + ": line " + lineNumber + " is damaged");
            }
            value = value * 10 + (bytes[i] - '0');
        }
        if (to == from) {
            throw new StateException(file + ": line " + lineNumber + " is empty");
        }
        return value;
    }

    /** Replaces the file with exactly these times, on disk before it returns. */
    void write(List<Long> times) throws IOException {
        StringBuilder text = new StringBuilder();
        for (long time : times) {
            text.append(time).append('\n');
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp); // a leftover, or whatever was planted there: the link, never its target
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Forgets every time. True if there was a file. */
    boolean delete() throws IOException {
        return Files.deleteIfExists(file);
    }
}
