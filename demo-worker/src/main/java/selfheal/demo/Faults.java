package selfheal.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Decides when a fault begins: the one given by --fault once --fault-after has passed since readiness, or one
 * whose flag file appears in the fault directory. A flag file for crash, hang, slow or freeze is deleted when
 * acted on, so the restarted worker is healthy; fault-refuse-start stays until removed, so every start fails.
 * fault-slow-start delays one start: it is deleted at that start.
 */
final class Faults {
    private static final Fault[] RUNTIME = {Fault.CRASH, Fault.HANG, Fault.SLOW, Fault.FREEZE};
    static final String SLOW_START_FLAG = "fault-slow-start";
    /** The delay of an empty fault-slow-start: longer than any sensible start timeout of a restart. */
    static final Duration SLOW_START_DEFAULT = Duration.ofSeconds(45);

    private final Fault optionFault;
    private final long optionDueNanos;
    private final Duration optionStartDelay;
    private final Path dir;
    private boolean optionFired;

    Faults(Fault optionFault, Duration after, Duration startDelay, Path dir) {
        this.optionFault = optionFault;
        this.optionDueNanos = System.nanoTime() + after.toNanos();
        this.optionStartDelay = startDelay;
        this.dir = dir;
    }

    /** Whether foo must refuse to start: --fault refuse-start, or the flag file fault-refuse-start. */
    boolean refuseStart() {
        return optionFault == Fault.REFUSE_START || Files.exists(dir.resolve(Fault.REFUSE_START.flagFileName()));
    }

    /**
     * How long this start waits before binding its port: the seconds in the flag file fault-slow-start (empty:
     * {@link #SLOW_START_DEFAULT}), which is consumed, else --start-delay.
     *
     * @throws BadOption if the flag file holds something other than a number of seconds
     */
    Duration startDelay() throws BadOption {
        Path flag = dir.resolve(SLOW_START_FLAG);
        String text;
        try {
            text = Files.readString(flag, StandardCharsets.UTF_8).strip();
        } catch (IOException absent) {
            return optionStartDelay;
        }
        try {
            Files.deleteIfExists(flag);
        } catch (IOException e) {
            // present but cannot be consumed: still act on it
        }
        return text.isEmpty() ? SLOW_START_DEFAULT : FooOptions.seconds(flag.toString(), text, true);
    }

    /** The fault that begins now, or {@code null}. Each fault begins at most once per flag file or option. */
    Fault poll() {
        if (optionFault != null && optionFault != Fault.REFUSE_START && !optionFired
                && System.nanoTime() - optionDueNanos >= 0) {
            optionFired = true;
            return optionFault;
        }
        for (Fault fault : RUNTIME) {
            try {
                if (Files.deleteIfExists(dir.resolve(fault.flagFileName()))) {
                    return fault;
                }
            } catch (IOException e) {
                return fault; // present but cannot be consumed: still act on it
            }
        }
        return null;
    }
}
