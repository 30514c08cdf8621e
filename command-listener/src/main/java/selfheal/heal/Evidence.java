package selfheal.heal;

import java.io.IOException;
import java.time.Instant;

/**
 * The heal path's evidence stage: before a command runs, what its worker shows now is kept in a bundle
 * ({@link EvidenceCollectors}, {@link EvidenceBundle}, {@link EvidenceRetention}), so that the restart does not
 * destroy the only copy of what caused it. Never a reason for the heal to fail: whatever goes wrong is said in
 * {@link Kept#none} and the heal runs.
 */
final class Evidence {
    private Evidence() {
    }

    /** The bundle kept ({@code id}), or why none was ({@code none}); exactly one is set. */
    record Kept(String id, String none) {
        static Kept none(String why) {
            return new Kept(null, why);
        }

        /** The audit record's field value: the id, or {@code none (why)}. */
        String audit() {
            return id != null ? id : "none (" + none + ")";
        }
    }

    /**
     * Collects and writes {@code command}'s evidence; null when the command has none configured.
     *
     * @param trigger who asked, as the summary shows it
     * @param watch   the watch's reading that triggered the heal, or null
     */
    static Kept keep(ListenerConfig config, AllowedCommand command, String trigger, WorkerWatch.Reading watch,
                     Instant time) {
        EvidenceConfig evidence = config.evidence();
        EvidenceConfig.Spec spec = evidence.specs().get(command.name());
        if (spec == null) {
            return null;
        }
        try {
            EvidenceCollectors.Collected collected = EvidenceCollectors.collect(spec, watch);
            String shown = watch == null ? trigger : trigger + " (" + watch.status() + ": " + watch.line() + ")";
            String id = EvidenceBundle.write(config.stateDir(), evidence.group(), command.name(), shown, time,
                    collected, spec.maxSize());
            try {
                EvidenceRetention.prune(config.stateDir(), evidence, id);
            } catch (IOException | RuntimeException e) {
                // The bundle is kept; the next heal's retention tries again.
            }
            return new Kept(id, null);
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            return Kept.none((message.contains("No space left") ? "disk full: " : "not written: ") + message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Kept.none("interrupted");
        } catch (RuntimeException | Error e) {
            return Kept.none("failed: " + e);
        }
    }
}
