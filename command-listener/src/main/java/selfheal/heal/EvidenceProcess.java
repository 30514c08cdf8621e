package selfheal.heal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The worker's process as /proc shows it, for process.txt and the summary's worker line: whether its pid is
 * alive (a zombie is not), and its state, threads, memory, descriptors, start time, user and command line.
 */
final class EvidenceProcess {
    static final Path PROC = Path.of("/proc");

    private EvidenceProcess() {
    }

    /** The pid a pidfile names, or -1 when it is missing or names none. */
    static long pidOf(Path pidfile) throws IOException {
        if (!Files.exists(pidfile)) {
            return -1;
        }
        String text = new String(Files.readAllBytes(pidfile), StandardCharsets.US_ASCII).strip();
        return Chars.isDigits(text, 10) ? Long.parseLong(text) : -1;
    }

    /** Whether {@code pid} runs: /proc/PID/stat exists and its state is not Z (zombie) or X (dead). */
    static boolean alive(long pid) {
        try {
            String stat = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat")),
                    StandardCharsets.US_ASCII);
            // "pid (comm) state ...": comm may hold spaces and parentheses
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** State, threads, memory and uid from /proc/PID/status; open descriptors; start time; user; exe; cmdline. */
    static String facts(long pid, String source) {
        Path proc = PROC.resolve(Long.toString(pid));
        StringBuilder text = new StringBuilder("pid ").append(pid).append(" (").append(source).append(")\n");
        try {
            for (String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("State:") || line.startsWith("Threads:") || line.startsWith("VmRSS:")
                        || line.startsWith("VmSize:") || line.startsWith("Uid:")) {
                    text.append(line.replace('\t', ' ')).append('\n');
                }
            }
        } catch (IOException e) {
            text.append("Status: ").append(e).append('\n');
        }
        int fds = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path ignored : entries) {
                fds++;
            }
            text.append("Open descriptors: ").append(fds).append('\n');
        } catch (IOException e) {
            text.append("Open descriptors: ").append(e).append('\n');
        }
        ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).ifPresent(started -> text.append("Started: ")
                .append(AuditLog.utc(started)).append(" (").append(Reply.seconds(
                        (System.currentTimeMillis() - started.toEpochMilli()) / 1000.0)).append(" ago)\n"));
        try {
            text.append("User: ").append(Files.getOwner(proc).getName()).append('\n');
            text.append("Exe: ").append(Files.readSymbolicLink(proc.resolve("exe"))).append('\n');
        } catch (IOException e) {
            text.append("Exe: ").append(e).append('\n');
        }
        try {
            text.append("Cmdline: ").append(new String(Files.readAllBytes(proc.resolve("cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ').strip()).append('\n');
        } catch (IOException e) {
            text.append("Cmdline: ").append(e).append('\n');
        }
        return text.toString();
    }

    /** The summary's part of {@link #facts}: state, threads, RSS on one line. */
    static String summary(String facts) {
        StringBuilder line = new StringBuilder();
        for (String fact : facts.split("\n")) {
            if (fact.startsWith("State:") || fact.startsWith("Threads:") || fact.startsWith("VmRSS:")) {
                line.append(line.length() == 0 ? "" : ", ").append(fact.replaceAll(" +", " "));
            }
        }
        return line.toString();
    }
}
