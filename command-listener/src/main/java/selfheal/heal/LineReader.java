package selfheal.heal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;

/**
 * Reads the one request line under two deadlines: the first byte must come within {@link #FIRST_BYTE} (or the
 * read deadline, if that is shorter), the whole line within the read deadline. The read happens on a daemon
 * thread, because a socket handed over on stdin has no read timeout of its own; a client that sends nothing
 * or trickles is simply no longer waited for. A line is at most {@link #MAX_LINE} bytes without its CR LF;
 * EOF ends a line too.
 */
final class LineReader {
    static final int MAX_LINE = 256;
    /**
     * How long a client may stay silent before its first byte. The event handler's client and check_listener
     * send their line as soon as they are connected; a connection that sends nothing must not hold a
     * listener (a process under xinetd, a slot of a resident one) for the whole read deadline.
     */
    static final Duration FIRST_BYTE = Duration.ofSeconds(1);

    /** The client sent nothing complete before the deadline. */
    static final class Timeout extends Exception {
        private static final long serialVersionUID = 1L;

        Timeout(String what, Duration deadline) {
            super(what + " within " + deadline.toMillis() + " ms");
        }
    }

    /** The line is longer than {@link #MAX_LINE} bytes. */
    static final class TooLong extends Exception {
        private static final long serialVersionUID = 1L;

        private final byte[] received;

        TooLong(byte[] received) {
            super("line longer than " + MAX_LINE + " bytes");
            this.received = received;
        }

        /** What arrived before the reader gave up, for the audit log. */
        byte[] received() {
            return received.clone();
        }
    }

    private final byte[] buffer = new byte[MAX_LINE + 2]; // room for the line and its CR LF
    private int length;
    private final Object monitor = new Object();
    private byte[] line;
    private Exception failure;
    private boolean done;
    /** Whether any byte has arrived: then only the read deadline applies. */
    private volatile boolean started;

    private LineReader() {
    }

    /** The bytes of the first line, without CR LF. */
    static byte[] readLine(InputStream in, Duration deadline) throws Timeout, TooLong, IOException {
        return new LineReader().read(in, deadline);
    }

    private byte[] read(InputStream in, Duration deadline) throws Timeout, TooLong, IOException {
        // Fast path: a client such as the event handler's nc has usually sent its line before this JVM even
        // started; reading what is already there needs no thread.
        byte[] complete = fill(in, true);
        return complete != null ? complete : readRest(in, deadline);
    }

    /** The rest of the line on a daemon thread, waited for until the deadline. */
    private byte[] readRest(InputStream in, Duration deadline) throws Timeout, TooLong, IOException {
        // An anonymous class, not a lambda: the first lambda costs a fresh JVM several milliseconds.
        Thread reader = new Thread(new Runnable() {
            @Override
            public void run() {
                byte[] result = null;
                Exception error = null;
                try {
                    result = fill(in, false);
                } catch (Exception e) {
                    error = e;
                }
                synchronized (monitor) {
                    line = result;
                    failure = error;
                    done = true;
                    monitor.notifyAll();
                }
            }
        }, "request-reader");
        reader.setDaemon(true);
        reader.start();
        long begin = System.nanoTime();
        long end = begin + deadline.toNanos();
        Duration firstByte = FIRST_BYTE.compareTo(deadline) < 0 ? FIRST_BYTE : deadline;
        long firstEnd = begin + firstByte.toNanos();
        synchronized (monitor) {
            while (!done) {
                boolean anyByte = started || length > 0;
                long left = (anyByte ? end : firstEnd) - System.nanoTime();
                if (left <= 0) {
                    throw anyByte ? new Timeout("no complete line", deadline) : new Timeout("no byte", firstByte);
                }
                try {
                    monitor.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Timeout("no complete line", deadline);
                }
            }
            if (failure instanceof TooLong tooLong) {
                throw tooLong;
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure != null) {
                throw new IOException(failure);
            }
            return line;
        }
    }

    /**
     * Reads into the buffer until the line ends (EOF ends it too) and returns it. With {@code waitingOnly}, reads
     * only bytes that are already there, and returns null when none are left before the line is complete.
     */
    private byte[] fill(InputStream in, boolean waitingOnly) throws IOException, TooLong {
        while (length < buffer.length) {
            int want = buffer.length - length;
            if (waitingOnly) {
                int waiting = in.available();
                if (waiting <= 0) {
                    return null;
                }
                want = Math.min(waiting, want);
            }
            int n = in.read(buffer, length, want);
            if (n > 0) {
                started = true;
            }
            if (n < 0) {
                return strip(Arrays.copyOf(buffer, length));
            }
            int newline = indexOfNewline(buffer, length, length + n);
            if (newline >= 0) {
                return strip(Arrays.copyOf(buffer, newline));
            }
            length += n;
        }
        throw new TooLong(buffer);
    }

    private static int indexOfNewline(byte[] buffer, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] strip(byte[] line) throws TooLong {
        byte[] content = line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
        if (content.length > MAX_LINE) {
            throw new TooLong(content);
        }
        return content;
    }
}
