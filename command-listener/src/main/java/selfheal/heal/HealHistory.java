package selfheal.heal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every run of each command and what triggered it, so that the monitor sees the heals it did not ask for (the
 * local watch's, an operator's) and a command whose restarts keep coming back ({@code command.NAME.flap}).
 * Shared by every listener process through {@code <state.dir>/<name>.heals}: one line per run, {@code
 * <epoch-ms> <trigger>}, each ended by a newline, recorded once the script has started (where the budget
 * counts it), kept for {@link #RECENT} or the command's flap window if longer. Like a {@link TimesFile} it
 * fails closed (a damaged or truncated line, a symbolic link, not a file: a {@link StateException}, never an
 * empty history), is never opened through a symbolic link and is replaced atomically through a temporary
 * file created anew; callers hold the command's {@link GroupLock} while they record.
 */
final class HealHistory {
    /** The heals that ping reports: those of the last hour. */
    static final Duration RECENT = Duration.ofHours(1);
    /** Every trigger, once: values() copies its array at each call, and ping parses line after line. */
    private static final Trigger[] TRIGGERS = Trigger.values();

    /** Who asked for a run: the local watch, an operator on the host, or anyone over the network. */
    enum Trigger {
        WATCH("watch"), LOCAL("local"), REMOTE("remote");

        final String word;

        Trigger(String word) {
            this.word = word;
        }

        /** A peer with an address is remote; the operator local; a component in this JVM is the watch. */
        static Trigger of(Peer peer) {
            if (peer.address().isPresent()) {
                return REMOTE;
            }
            return peer.isLocal() ? LOCAL : WATCH;
        }
    }

    /** One run on record: when its script started and who asked for it. */
    record Heal(long epochMillis, Trigger trigger) {
    }

    /**
     * A command's heals within {@link #RECENT}, counted per trigger, and whether it is flapping: more runs
     * than its {@code flap} allows within the flap window.
     */
    record Recent(String command, List<Integer> perTrigger, boolean flapping) {
        Recent {
            perTrigger = List.copyOf(perTrigger);
        }

        int heals(Trigger trigger) {
            return perTrigger.get(trigger.ordinal());
        }

        int total() {
            int total = 0;
            for (int n : perTrigger) {
                total += n;
            }
            return total;
        }
    }

    private final Path stateDir;

    HealHistory(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** Throws unless the command's history can be trusted: before a run, so that a damaged one runs nothing. */
    void verify(AllowedCommand command) throws StateException {
        read(command.name());
    }

    /** Records a run of {@code command} that started now. Caller holds the group lock. */
    void record(AllowedCommand command, Trigger trigger, Instant now) throws IOException {
        Duration kept = command.flap().window().compareTo(RECENT) > 0 ? command.flap().window() : RECENT;
        long since = now.minus(kept).toEpochMilli();
        List<Heal> heals = new ArrayList<>();
        for (Heal heal : read(command.name())) {
            if (heal.epochMillis() > since) {
                heals.add(heal);
            }
        }
        heals.add(new Heal(now.toEpochMilli(), trigger));
        write(command.name(), heals);
    }

    /** The command's heals as seen at {@code now}; null when it neither healed within RECENT nor flaps. */
    Recent recent(AllowedCommand command, Instant now) throws StateException {
        long recentSince = now.minus(RECENT).toEpochMilli();
        long flapSince = now.minus(command.flap().window()).toEpochMilli();
        Integer[] perTrigger = {0, 0, 0};
        int inFlapWindow = 0;
        int recent = 0;
        for (Heal heal : read(command.name())) {
            if (heal.epochMillis() > recentSince) {
                perTrigger[heal.trigger().ordinal()]++;
                recent++;
            }
            if (heal.epochMillis() > flapSince) {
                inFlapWindow++;
            }
        }
        boolean flapping = inFlapWindow > command.flap().runs();
        return recent == 0 && !flapping ? null : new Recent(command.name(), List.of(perTrigger), flapping);
    }

    private List<Heal> read(String name) throws StateException {
        Path file = file(name).path();
        byte[] bytes = file(name).read();
        List<Heal> heals = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                heals.add(heal(file, bytes, start, i, heals.size() + 1));
                start = i + 1;
            }
        }
        if (start != bytes.length) {
            throw new StateException(file + ": line " + (heals.size() + 1) + " is truncated");
        }
        return heals;
    }

    /**
     * The line {@code bytes[from, to)}, {@code <epoch-ms> <trigger>} exactly as {@link #write} writes it. On the
     * bytes, without a String per line: ping reads every line of every history in a fresh JVM.
     */
    private static Heal heal(Path file, byte[] bytes, int from, int to, int lineNumber) throws StateException {
        long millis = 0;
        int i = from;
        while (i < to && i - from < 18 && bytes[i] >= '0' && bytes[i] <= '9') {
            millis = millis * 10 + (bytes[i++] - '0');
        }
        if (i > from && i < to && bytes[i] == ' ') {
            for (Trigger trigger : TRIGGERS) {
                if (trigger.word.length() == to - i - 1 && matches(trigger.word, bytes, i + 1)) {
                    return new Heal(millis, trigger);
                }
            }
        }
        throw new StateException(file + ": line " + lineNumber + " is damaged");
    }

    private static boolean matches(String word, byte[] bytes, int at) {
        for (int k = 0; k < word.length(); k++) {
            if (bytes[at + k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private void write(String name, List<Heal> heals) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Heal heal : heals) {
            text.append(heal.epochMillis()).append(' ').append(heal.trigger().word).append('\n');
        }
        file(name).replace(text.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Forgets the command's heals (an operator's reset). True if there were any on record. */
    boolean reset(String name) throws IOException {
        return file(name).delete();
    }

    private StateFile file(String name) {
        return new StateFile(stateDir.resolve(name + ".heals"));
    }
}
