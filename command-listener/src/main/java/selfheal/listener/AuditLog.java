package selfheal.listener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.nio.file.Files;

/**
 * Appends one line per request. Each entry is a single write on a file opened with O_APPEND, so entries of
 * listeners running at the same time never interleave. Fields: time, pid, peer, request (as received,
 * escaped), decision (ok or the ERR reason), command, exit, duration, reply, and detail/output when useful.
 */
final class AuditLog {
    private static final int MAX_FIELD = 2048;
    private static final String HEX = "0123456789abcdef";
    // ProcessHandle.current() would start a reaper thread pool; /proc/self names our pid for free.
    private static final String PID = pid();

    private final Path file;

    AuditLog(Path file) {
        this.file = file;
    }

    /** One audit entry; {@code exit} is null when nothing ran. */
    record Entry(Instant time, String peer, byte[] request, Reply reply, String command, Integer exit,
                 double seconds, String detail) {
    }

    private static String pid() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self")).toString();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    void append(Entry entry) throws IOException {
        StringBuilder line = new StringBuilder(256)
                .append(entry.time()).append(" pid=").append(PID)
                .append(" peer=").append(entry.peer())
                .append(" request=").append(entry.request() == null ? "-" : quote(entry.request()))
                .append(" decision=").append(entry.reply().reason().wire)
                .append(" command=").append(entry.command() == null ? "-" : entry.command())
                .append(" exit=").append(entry.exit() == null ? "-" : entry.exit().toString())
                .append(" duration=").append(Reply.decimal(entry.seconds(), 3))
                .append(" reply=").append(quote(entry.reply().line().getBytes(StandardCharsets.US_ASCII)));
        if (entry.detail() != null && !entry.detail().isEmpty()) {
            line.append(" detail=").append(quote(entry.detail().getBytes(StandardCharsets.UTF_8)));
        }
        line.append('\n');
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /**
     * Double-quoted, printable ASCII only: quote and backslash escaped, \n \r \t by name, any other byte as
     * \xNN. A request is logged exactly as received, whatever bytes it holds; long values are cut.
     */
    static String quote(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length + 2).append('"');
        int shown = Math.min(bytes.length, MAX_FIELD);
        for (int i = 0; i < shown; i++) {
            int c = bytes[i] & 0xff;
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        s.append((char) c);
                    } else {
                        s.append("\\x").append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
                    }
                }
            }
        }
        if (bytes.length > shown) {
            s.append("...(").append(bytes.length).append(" bytes)");
        }
        return s.append('"').toString();
    }
}
