package selfheal.heal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The threads of a {@code jcmd PID Thread.print} text, and which of them most likely explains a hang
 * ({@link #suspect}). Reads only what HotSpot prints: a header line per thread ({@code "name" #N ... daemon ...
 * elapsed=S ...}), its {@code java.lang.Thread.State}, its frames ({@code at ...}) and lock lines
 * ({@code - locked <0x..>}, {@code - waiting to lock <0x..>}, {@code - parking to wait for <0x..>},
 * {@code - waiting on <0x..>}), and {@code Locked ownable synchronizers}.
 */
record EvidenceThreadDump(List<JavaThread> threads) {

    /** JVM threads that never explain a worker's hang. */
    private static final Set<String> JVM_THREADS = Set.of("Reference Handler", "Finalizer", "Signal Dispatcher",
            "Service Thread", "Monitor Deflation Thread", "Notification Thread", "Common-Cleaner", "Attach Listener",
            "DestroyJavaVM", "Sweeper thread", "process reaper");
    /** Frames of a pool thread that waits for work: idle, not stuck. */
    private static final List<String> IDLE_FRAMES = List.of("ThreadPoolExecutor.getTask(",
            "ForkJoinPool.awaitWork(", "ForkJoinPool.runWorker(", "DelayedWorkQueue.take(", "SynchronousQueue.poll(",
            "Reference.waitForReferencePendingList(");

    EvidenceThreadDump {
        threads = List.copyOf(threads);
    }

    /**
     * One thread.
     *
     * @param waitsFor the lock address it waits to lock, parks on or waits on, if any
     * @param holds    the addresses of the monitors and ownable synchronizers it holds
     */
    record JavaThread(String name, boolean daemon, String state, double elapsed, List<String> frames,
                  Optional<String> waitsFor, List<String> holds, String text) {
        JavaThread {
            frames = List.copyOf(frames);
            holds = List.copyOf(holds);
        }

        boolean blocked() {
            return state.startsWith("BLOCKED");
        }

        boolean waiting() {
            return state.startsWith("WAITING") || state.startsWith("TIMED_WAITING");
        }

        boolean idlePoolThread() {
            for (String frame : frames) {
                for (String idle : IDLE_FRAMES) {
                    if (frame.contains(idle)) {
                        return true;
                    }
                }
            }
            return false;
        }

        boolean jvmOwn() {
            return JVM_THREADS.contains(name) || name.startsWith("C1 CompilerThread")
                    || name.startsWith("C2 CompilerThread") || name.startsWith("GC ") || name.startsWith("G1 ");
        }
    }

    /** The suspect and why it was chosen, for the summary. */
    record Suspect(JavaThread thread, String why) {
    }

    static EvidenceThreadDump parse(String text) {
        List<JavaThread> threads = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            if (!lines[i].startsWith("\"")) {
                i++;
                continue;
            }
            int start = i;
            i++;
            while (i < lines.length && !lines[i].startsWith("\"") && !lines[i].startsWith("JNI global")) {
                i++;
            }
            threads.add(thread(lines, start, i));
        }
        return new EvidenceThreadDump(threads);
    }

    private static JavaThread thread(String[] lines, int start, int end) {
        String header = lines[start];
        int nameEnd = header.lastIndexOf("\" #");
        if (nameEnd < 0) {
            nameEnd = header.lastIndexOf('"');
        }
        String name = header.substring(1, Math.max(1, nameEnd));
        String rest = header.substring(Math.max(1, nameEnd));
        boolean daemon = (" " + rest + " ").contains(" daemon ");
        double elapsed = 0;
        int at = rest.indexOf("elapsed=");
        if (at >= 0) {
            int stop = rest.indexOf('s', at + "elapsed=".length());
            try {
                elapsed = Double.parseDouble(rest.substring(at + "elapsed=".length(), stop < 0 ? rest.length() : stop));
            } catch (NumberFormatException e) {
                elapsed = 0;
            }
        }
        String state = "";
        List<String> frames = new ArrayList<>();
        String waitsFor = null;
        List<String> holds = new ArrayList<>();
        boolean ownable = false;
        StringBuilder text = new StringBuilder();
        for (int i = start; i < end; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                text.append(line).append('\n');
            }
            if (trimmed.startsWith("java.lang.Thread.State: ")) {
                state = trimmed.substring("java.lang.Thread.State: ".length());
            } else if (trimmed.startsWith("at ")) {
                frames.add(trimmed.substring(3));
            } else if (trimmed.startsWith("- waiting to lock ") || trimmed.startsWith("- parking to wait for ")
                    || trimmed.startsWith("- waiting on ")) {
                waitsFor = address(trimmed);
            } else if (trimmed.startsWith("- locked ")) {
                holds.add(address(trimmed));
            } else if (trimmed.startsWith("Locked ownable synchronizers:")) {
                ownable = true;
            } else if (ownable && trimmed.startsWith("- <")) {
                holds.add(address(trimmed));
            }
        }
        return new JavaThread(name, daemon, state, elapsed, frames, Optional.ofNullable(waitsFor), holds, text.toString());
    }

    private static String address(String line) {
        int open = line.indexOf('<');
        int close = line.indexOf('>', open);
        return open < 0 || close < 0 ? "" : line.substring(open + 1, close);
    }

    /**
     * The thread most likely to explain a hang: the one holding what a heartbeat thread (a name with
     * "heartbeat" in it) waits for; else, among the worker's own threads (not the JVM's, not an idle pool
     * thread), a BLOCKED one before a WAITING one, a non-daemon thread before a daemon one, and the longest
     * lived first (a thread dump does not say how long a thread has been blocked; a thread that has been
     * there since the start is the likelier culprit than one a pool started a moment ago).
     */
    Optional<Suspect> suspect() {
        for (JavaThread heartbeat : threads) {
            if (!heartbeat.name().toLowerCase(Locale.ROOT).contains("heartbeat") || heartbeat.waitsFor().isEmpty()) {
                continue;
            }
            String lock = heartbeat.waitsFor().get();
            for (JavaThread holder : threads) {
                if (holder != heartbeat && holder.holds().contains(lock)) {
                    return Optional.of(new Suspect(holder, "holds <" + lock + ">, which the heartbeat thread \""
                            + heartbeat.name() + "\" waits for"));
                }
            }
        }
        JavaThread best = null;
        for (JavaThread t : threads) {
            if (t.jvmOwn() || t.idlePoolThread() || !(t.blocked() || t.waiting())) {
                continue;
            }
            if (best == null || rank(t) > rank(best) || rank(t) == rank(best) && t.elapsed() > best.elapsed()) {
                best = t;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new Suspect(best, (best.blocked() ? "blocked" : "waiting") + " the longest of the worker's"
                + (best.daemon() ? " daemon" : "") + " threads (" + Reply.seconds(best.elapsed()) + " old)"));
    }

    private static int rank(JavaThread t) {
        return (t.blocked() ? 4 : t.state().startsWith("WAITING") ? 2 : 0) + (t.daemon() ? 0 : 1);
    }
}
