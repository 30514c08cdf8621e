package selfheal.status;

import java.time.Duration;

/**
 * How old the last heartbeat may get before the {@code worker:heartbeat} check turns warn, then fail.
 *
 * @param warnAfter age at which the check turns warn, or {@code null} for never
 * @param failAfter age at which the check turns fail, or {@code null} for never
 */
public record HeartbeatLimits(Duration warnAfter, Duration failAfter) {

    /** Limits that never alert: the age is reported and the monitor judges it. */
    public static final HeartbeatLimits NONE = new HeartbeatLimits(null, null);

    /** Validates: limits are positive, and warn comes no later than fail. */
    public HeartbeatLimits {
        requirePositive("warnAfter", warnAfter);
        requirePositive("failAfter", failAfter);
        if (warnAfter != null && failAfter != null && warnAfter.compareTo(failAfter) > 0) {
            throw new IllegalArgumentException(
                    "heartbeat warnAfter " + warnAfter + " is later than failAfter " + failAfter);
        }
    }

    /** The state of a heartbeat that is {@code age} old. */
    public HealthStatus evaluate(Duration age) {
        if (failAfter != null && age.compareTo(failAfter) >= 0) {
            return HealthStatus.FAIL;
        }
        if (warnAfter != null && age.compareTo(warnAfter) >= 0) {
            return HealthStatus.WARN;
        }
        return HealthStatus.PASS;
    }

    /** The limit that {@code status} was judged against, for the check's output. */
    Duration limitFor(HealthStatus status) {
        return status == HealthStatus.FAIL ? failAfter : warnAfter;
    }

    private static void requirePositive(String name, Duration limit) {
        if (limit != null && (limit.isNegative() || limit.isZero())) {
            throw new IllegalArgumentException("heartbeat " + name + " must be positive, got " + limit);
        }
    }
}
