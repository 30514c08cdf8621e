package selfheal.status;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The instant the work loop last made progress, and its age as the {@code worker:heartbeat} check reports
 * it. Until the first {@link #beat()}, the age counts from creation, so a loop that never starts goes stale.
 */
final class Heartbeat {
    private final Clock clock;
    private final HeartbeatLimits limits;
    private volatile Instant last;

    Heartbeat(Clock clock, HeartbeatLimits limits) {
        this.clock = clock;
        this.limits = limits;
        this.last = clock.instant();
    }

    void beat() {
        last = clock.instant();
    }

    /** The age in seconds (millisecond precision), the state under the limits, and the last beat's instant. */
    Observation observe() {
        Instant beat = last;
        Duration age = Duration.between(beat, clock.instant());
        if (age.isNegative()) {
            age = Duration.ZERO; // the wall clock stepped back; never report a negative age
        }
        HealthStatus status = limits.evaluate(age);
        BigDecimal seconds = BigDecimal.valueOf(age.toMillis()).movePointLeft(3).setScale(3, RoundingMode.UNNECESSARY);
        String output = status == HealthStatus.PASS ? null
                : "no heartbeat for " + seconds.toPlainString() + " s (" + status.json() + " after "
                        + seconds(limits.limitFor(status)) + " s)";
        return new Observation(status, seconds, "s", output, beat.truncatedTo(ChronoUnit.MILLIS));
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }
}
