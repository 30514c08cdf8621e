package selfheal.status;

/**
 * The three states of the IETF health check response format ({@code application/health+json}), in order of
 * increasing severity.
 */
public enum HealthStatus {
    /** Healthy. */
    PASS,
    /** Healthy, with some concerns. */
    WARN,
    /** Unhealthy. */
    FAIL;

    /** The value written in the {@code status} field: {@code pass}, {@code warn} or {@code fail}. */
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The more severe of this state and {@code other}. */
    public HealthStatus worse(HealthStatus other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /** The HTTP status the draft requires for this state: 2xx for pass and warn, 4xx-5xx for fail. */
    public int httpCode() {
        return this == FAIL ? 503 : 200;
    }
}
