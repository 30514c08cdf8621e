package selfheal.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Decides when a fault begins: the one given by --fault once --fault-after has passed since readiness, or one
 * whose flag file appears in the fault directory. A flag file for crash, hang or slow is deleted when acted on,
 * so the restarted worker is healthy; fault-refuse-start stays until removed, so every start fails.
 */
final class Faults {
    private static final Fault[] RUNTIME = {Fault.CRASH, Fault.HANG, Fault.SLOW};

    private final Fault optionFault;
    private final long optionDueNanos;
    private final Path dir;
    private boolean optionFired;

    Faults(Fault optionFault, Duration after, Path dir) {
        this.optionFault = optionFault;
        this.optionDueNanos = System.nanoTime() + after.toNanos();
        this.dir = dir;
    }

    /** Whether foo must refuse to start: --fault refuse-start, or the flag file fault-refuse-start. */
    boolean refuseStart() {
        return optionFault == Fault.REFUSE_START || Files.exists(dir.resolve(Fault.REFUSE_START.flagFileName()));
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
