package selfheal.status;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The result of one health check: a state, and optionally an observed value with its unit, a human-readable
 * output and the instant the value was recorded. Renders as one "component details" object of the draft.
 *
 * @param status        the check's state; required
 * @param observedValue a finite number, or {@code null} when the check observes no value
 * @param observedUnit  unit of {@code observedValue} (for example {@code "s"}, {@code "files"}), or {@code null}
 * @param output        why the state is not pass, or {@code null}; the draft says to omit it for pass
 * @param time          when the value was recorded, or {@code null} for "now, when the endpoint answered"
 */
public record Observation(HealthStatus status, Number observedValue, String observedUnit, String output,
        Instant time) {

    /** Validates: a status is required, a value must be finite, a unit needs a value. */
    public Observation {
        if (status == null) {
            throw new IllegalArgumentException("an observation needs a status");
        }
        if (observedValue != null) {
            observedValue = finite(observedValue);
        }
        if (observedUnit != null && observedValue == null) {
            throw new IllegalArgumentException("observedUnit '" + observedUnit + "' given without an observedValue");
        }
        if (observedUnit != null && observedUnit.isBlank()) {
            observedUnit = null;
        }
        if (output != null && output.isBlank()) {
            output = null;
        }
    }

    /** A passing check with no value. */
    public static Observation pass() {
        return new Observation(HealthStatus.PASS, null, null, null, null);
    }

    /** A passing check that observed {@code value} in {@code unit} (unit may be {@code null}). */
    public static Observation pass(Number value, String unit) {
        return new Observation(HealthStatus.PASS, value, unit, null, null);
    }

    /** A warning, with the reason. */
    public static Observation warn(String output) {
        return new Observation(HealthStatus.WARN, null, null, output, null);
    }

    /** A failure, with the reason. */
    public static Observation fail(String output) {
        return new Observation(HealthStatus.FAIL, null, null, output, null);
    }

    /** A failure caused by {@code error}: its class and message become the output. */
    public static Observation fail(Throwable error) {
        String message = error.getMessage();
        String type = error.getClass().getSimpleName();
        return fail(message == null || message.isBlank() ? type : type + ": " + message);
    }

    /** This observation with its value recorded at {@code instant}. */
    public Observation at(Instant instant) {
        return new Observation(status, observedValue, observedUnit, output, instant);
    }

    private static Number finite(Number value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof AtomicLong || value instanceof AtomicInteger || value instanceof LongAdder) {
            return value.longValue(); // read once, so the rendered value cannot change under us
        }
        double d = value.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("observedValue must be finite, got " + value);
        }
        return d;
    }
}
