package selfheal.heal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends one line per record, durably: the file is opened with O_APPEND and without following a symbolic
 * link, in a directory closed to other users ({@link SafeDirectory}); under an OS lock on the file, the whole
 * line goes out in one write, a short write is cut off again (so no line is ever torn) and reported, and the
 * record is forced to disk before {@link #append} returns. Fields: time, pid, id, phase, peer, request (as
 * received, escaped), client (the TLS client identity or none, on a TLS listener only), decision (ok, run
 * or the ERR reason), command, exit, duration, reply, evidence (the bundle kept before a run, or why none
 * was) and detail/output when useful. A request that runs a script has two records sharing an id: {@code phase=intent}
 * before the script starts, {@code phase=outcome} when it has ended; any other request has its outcome only.
 */
final class AuditLog {
    private static final int MAX_FIELD = 2048;
    private static final String HEX = "0123456789abcdef";
    /** The longest record (request and detail all escaped bytes) fits in this, with room to spare. */
    static final long MIN_FREE = 16 * 1024;
    // ProcessHandle.current() would start a reaper thread pool; /proc/self names our pid for free.
    private static final String PID = pid();
    /** Seeded with the start time in ms: with the pid, an id no earlier process on the host has used. */
    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis());

    private final Path file;

    AuditLog(Path file) {
        this.file = file;
    }

    /** Whether a record is what is about to run or how a request ended. */
    enum Phase {
        INTENT("intent"), OUTCOME("outcome");

        final String wire;

        Phase(String wire) {
            this.wire = wire;
        }
    }

    /**
     * One audit record; {@code exit} is null when nothing ran; {@code reply} is null in an intent, whose
     * decision is {@code run}; {@code client} is the TLS client identity or {@code none}, and null (no field)
     * on a listener without TLS; {@code evidence} is the bundle kept before the run, or {@code none (why)}, null
     * when the command keeps none.
     */
    record Entry(Instant time, String id, Phase phase, String peer, String client, byte[] request, Reply reply,
                 String command, Integer exit, double seconds, String detail, String evidence) {

        /** A record without a client field (the listener speaks no TLS) and without evidence. */
        Entry(Instant time, String id, Phase phase, String peer, byte[] request, Reply reply, String command,
              Integer exit, double seconds, String detail) {
            this(time, id, phase, peer, null, request, reply, command, exit, seconds, detail, null);
        }
    }

    /** A new request id, e.g. {@code 891-1764751234567}: the pid and a per-process sequence. */
    static String nextId() {
        return PID + "-" + SEQUENCE.incrementAndGet();
    }

    /**
     * Null if a record could be appended now, else why not: the directory open to others, the file a symbolic
     * link or not writable, less than {@link #MIN_FREE} bytes left. Opens the file for append without writing.
     */
    String problem() {
        Path dir = file.toAbsolutePath().getParent();
        String unsafe = dir == null ? null : SafeDirectory.problem(dir, true);
        if (unsafe != null) {
            return "audit.log: directory " + unsafe;
        }
        try (FileChannel channel = open()) {
            long free = dir == null ? MIN_FREE : new File(dir.toString()).getUsableSpace();
            if (free < MIN_FREE) {
                return "audit.log: " + file + ": " + free + " bytes left on its file system";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "audit.log: " + file + " cannot be written: " + e;
        }
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    }

    private static String pid() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self")).toString();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Appends {@code entry} whole and on disk, or throws and leaves the file as it was. */
    void append(Entry entry) throws IOException {
        StringBuilder line = new StringBuilder(256)
                .append(utc(entry.time())).append(" pid=").append(PID)
                .append(" id=").append(entry.id()).append(" phase=").append(entry.phase().wire)
                .append(" peer=").append(entry.peer())
                .append(entry.client() == null ? "" : " client=" + entry.client())
                .append(" request=").append(entry.request() == null ? "-" : quote(entry.request()))
                .append(" decision=").append(entry.reply() == null ? "run" : entry.reply().reason().wire)
                .append(" command=").append(entry.command() == null ? "-" : entry.command())
                .append(" exit=").append(entry.exit() == null ? "-" : entry.exit().toString())
                .append(" duration=").append(Reply.decimal(entry.seconds(), 3))
                .append(" reply=").append(entry.reply() == null ? "-"
                        : quote(entry.reply().line().getBytes(StandardCharsets.US_ASCII)));
        if (entry.evidence() != null) {
            // an id as it is (what an operator greps for), a reason quoted
            line.append(" evidence=").append(EvidenceStore.isId(entry.evidence()) ? entry.evidence()
                    : quote(entry.evidence().getBytes(StandardCharsets.UTF_8)));
        }
        if (entry.detail() != null && !entry.detail().isEmpty()) {
            line.append(" detail=").append(quote(entry.detail().getBytes(StandardCharsets.UTF_8)));
        }
        line.append('\n');
        Path dir = file.toAbsolutePath().getParent();
        String unsafe = dir == null ? null : SafeDirectory.problem(dir, true);
        if (unsafe != null) {
            throw new IOException("audit.log: directory " + unsafe);
        }
        write(line.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * One write of the whole line under an OS lock that every listener process takes (and a monitor for the
     * threads of this one, which the OS lock does not exclude); a short write, i.e. a full file system, is
     * cut off again, so the file never ends in a torn line.
     */
    private void write(byte[] bytes) throws IOException {
        synchronized (AuditLog.class) {
            try (FileChannel channel = open()) {
                channel.lock();
                long before = channel.size();
                int written = channel.write(ByteBuffer.wrap(bytes));
                if (written != bytes.length) {
                    channel.truncate(before);
                    throw new IOException("short write to " + file + ": " + written + " of " + bytes.length
                            + " bytes, record withdrawn (file system full?)");
                }
                channel.force(false);
            }
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
