package selfheal.heal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SUMMARY.txt, the first file of a bundle and what {@code --evidence ID} shows first: the trigger, the time, the
 * worker's state, the top frames of the most suspicious thread ({@link EvidenceThreadDump#suspect}), and each
 * file's size. The {@code trigger:} line is what {@code --evidence} lists.
 */
final class EvidenceSummary {
    /** Frames shown of the suspicious thread: enough to pass the JDK's own frames into the worker's. */
    static final int TOP_FRAMES = 12;

    private EvidenceSummary() {
    }

    /**
     * @param trigger who asked for the heal: {@code watch (CRITICAL: ...)}, {@code local}, an address
     * @param sizes   every file after SUMMARY.txt, with its size as kept (after any cut)
     */
    static String render(String id, String command, String trigger, Instant time,
                         EvidenceCollectors.Collected collected, Map<String, Long> sizes, List<String> cut) {
        StringBuilder s = new StringBuilder();
        s.append("evidence ").append(id).append('\n');
        s.append("command: ").append(command).append('\n');
        s.append("trigger: ").append(trigger).append('\n');
        s.append("time: ").append(AuditLog.utc(time)).append('\n');
        s.append("collected in: ").append(Reply.seconds(collected.seconds())).append('\n');
        s.append("worker: ").append(collected.worker()).append('\n');
        s.append(suspect(collected.threads()));
        if (!collected.late().isEmpty()) {
            s.append("late (not done by the deadline, left out): ").append(String.join(", ", collected.late()))
                    .append('\n');
        }
        if (!cut.isEmpty()) {
            s.append("cut at the size cap: ").append(String.join(", ", cut)).append('\n');
        }
        s.append("files:\n");
        for (Map.Entry<String, Long> file : sizes.entrySet()) {
            s.append("  ").append(file.getKey()).append(' ').append(file.getValue()).append(" bytes\n");
        }
        return s.toString();
    }

    /** The suspicious thread's header, state and top frames; or why there is none. */
    static String suspect(String threads) {
        if (threads == null) {
            return "suspicious thread: none (no thread dump)\n";
        }
        Optional<EvidenceThreadDump.Suspect> suspect = EvidenceThreadDump.parse(threads).suspect();
        if (suspect.isEmpty()) {
            return "suspicious thread: none (no thread of the worker's is blocked or waiting)\n";
        }
        EvidenceThreadDump.JavaThread thread = suspect.get().thread();
        StringBuilder s = new StringBuilder("suspicious thread: \"").append(thread.name()).append("\" ")
                .append(thread.state()).append(", ").append(suspect.get().why()).append('\n');
        List<String> frames = thread.frames();
        for (int i = 0; i < Math.min(TOP_FRAMES, frames.size()); i++) {
            s.append("    at ").append(frames.get(i)).append('\n');
        }
        if (frames.size() > TOP_FRAMES) {
            s.append("    ... ").append(frames.size() - TOP_FRAMES).append(" more in threads.txt\n");
        }
        return s.toString();
    }
}
