package selfheal.heal;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

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
                .append(utc(entry.time())).append(" pid=").append(PID)
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
        try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) { // O_APPEND
            out.write(line.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * RFC 3339 UTC with milliseconds, e.g. 2026-11-25T09:15:58.409Z. By hand: Instant.toString builds a
     * DateTimeFormatter, which costs a fresh JVM about 10 ms, and even LocalDateTime loads a dozen java.time
     * classes. The date is the proleptic Gregorian one of the day count (H. Hinnant's civil_from_days).
     */
    static String utc(Instant time) {
        long millis = time.toEpochMilli();
        long days = Math.floorDiv(millis, 86_400_000L);
        long ofDay = Math.floorMod(millis, 86_400_000L);
        long z = days + 719_468; // days since 0000-03-01
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // from March 1
        long shiftedMonth = (5 * dayOfYear + 2) / 153; // 0 = March
        int day = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
        int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        StringBuilder s = new StringBuilder(24);
        pad(s, year, 4).append('-');
        pad(s, month, 2).append('-');
        pad(s, day, 2).append('T');
        pad(s, (int) (ofDay / 3_600_000), 2).append(':');
        pad(s, (int) (ofDay / 60_000 % 60), 2).append(':');
        pad(s, (int) (ofDay / 1000 % 60), 2).append('.');
        return pad(s, (int) (ofDay % 1000), 3).append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder s, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            s.append('0');
        }
        return s.append(digits);
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
