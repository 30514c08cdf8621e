package selfheal.heal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of times in state.dir: epoch milliseconds, one per line, each ended by a newline; what the budget
 * ledger and the settle of a command keep between listener processes, through a {@link StateFile}. Fails
 * closed: a file that cannot be read or parsed (a damaged or a truncated line, a symbolic link, not a file)
 * is a {@link StateException}, never an empty list.
 */
final class TimesFile {
    private final StateFile file;

    TimesFile(Path file) {
        this.file = new StateFile(file);
    }

    Path path() {
        return file.path();
    }

    /** The times on record; none if there is no file yet; a StateException if it cannot be trusted. */
    List<Long> read() throws StateException {
        byte[] bytes = file.read();
        List<Long> times = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                times.add(number(bytes, start, i, times.size() + 1));
                start = i + 1;
            }
        }
        if (start != bytes.length) {
            throw new StateException(file.path() + ": line " + (times.size() + 1) + " is truncated");
        }
        return times;
    }

    private long number(byte[] bytes, int from, int to, int lineNumber) throws StateException {
        long value = 0;
        for (int i = from; i < to; i++) {
            if (bytes[i] < '0' || bytes[i] > '9' || i - from >= 18) {
                throw new StateException(file.path() + ": line " + lineNumber + " is damaged");
            }
            value = value * 10 + (bytes[i] - '0');
        }
        if (to == from) {
            throw new StateException(file.path() + ": line " + lineNumber + " is empty");
        }
        return value;
    }

    /** Replaces the file with exactly these times, on disk before it returns. */
    void write(List<Long> times) throws IOException {
        StringBuilder text = new StringBuilder();
        for (long time : times) {
            text.append(time).append('\n');
        }
        file.replace(text.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Forgets every time. True if there was a file. */
    boolean delete() throws IOException {
        return file.delete();
    }
}
