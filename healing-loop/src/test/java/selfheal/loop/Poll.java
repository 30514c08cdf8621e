package selfheal.loop;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline instead of sleeping a fixed time; fails loudly, saying what was seen. */
final class Poll {
    private static final long STEP_MILLIS = 100;

    private Poll() {
    }

    /** Waits for {@code condition}; returns how long it took. */
    static Duration until(Duration limit, String what, BooleanSupplier condition, Supplier<String> seen) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what + "\n" + seen.get());
            }
            try {
                Thread.sleep(STEP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
