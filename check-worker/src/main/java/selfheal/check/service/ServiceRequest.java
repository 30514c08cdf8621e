package selfheal.check.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * One check asked of the check service, as its client sends it: lines of UTF-8, each ended by {@code \n},
 *
 * <pre>
 * TOKEN                 the service's secret, from its state file
 * PROGRAM               check_worker or check_listener
 * DIRECTORY             the client's working directory (a relative --ca-file is there)
 * N                     how many arguments follow, so that an empty argument is one
 * ARGUMENT x N          the plugin's arguments; an argument cannot hold a newline (the client then runs the
 *                       check in a JVM of its own)
 * </pre>
 */
record ServiceRequest(byte[] token, String program, Path directory, String[] args) {

    /** Far more than any plugin command line; a client sending more is not ours. */
    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_ARGS = 256;

    /** A request that cannot be one of ours: the service answers REFUSED and runs nothing. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /**
     * Reads exactly one request. The caller bounds the time (the socket's read timeout); this bounds the size.
     */
    static ServiceRequest read(InputStream in) throws IOException, Malformed {
        Lines lines = new Lines(in);
        byte[] token = lines.next("token").getBytes(StandardCharsets.UTF_8);
        String program = lines.next("program");
        Path directory;
        try {
            directory = Path.of(lines.next("directory"));
        } catch (InvalidPathException e) {
            throw new Malformed("working directory is no path: " + e.getReason());
        }
        if (!directory.isAbsolute()) {
            throw new Malformed("working directory is not absolute");
        }
        int count;
        try {
            count = Integer.parseInt(lines.next("argument count"));
        } catch (NumberFormatException e) {
            throw new Malformed("argument count is not a number");
        }
        if (count < 0 || count > MAX_ARGS) {
            throw new Malformed("argument count out of range: " + count);
        }
        String[] args = new String[count];
        for (int i = 0; i < count; i++) {
            args[i] = lines.next("argument " + (i + 1));
        }
        return new ServiceRequest(token, program, directory, args);
    }

    /** Whether this request carries the service's token; in constant time, so timing tells nothing of it. */
    boolean hasToken(String expected) {
        return MessageDigest.isEqual(token, expected.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ServiceRequest[" + program + " " + Arrays.toString(args) + " in " + directory + "]";
    }

    /** Splits the stream into lines, never reading past the request's last byte nor beyond MAX_BYTES. */
    private static final class Lines {
        private final InputStream in;
        private int total;

        Lines(InputStream in) {
            this.in = in;
        }

        String next(String what) throws IOException, Malformed {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new Malformed("request ended before its " + what);
                }
                if (++total > MAX_BYTES) {
                    throw new Malformed("request longer than " + MAX_BYTES + " bytes");
                }
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        }
    }
}
