package selfheal.plugin;

/** A warning and a critical range, either of which may be absent (null). */
public record Thresholds(Range warning, Range critical) {

    public static final Thresholds NONE = new Thresholds(null, null);

    /** Parses the two ranges; null or blank text means no range. */
    public static Thresholds parse(String warning, String critical) throws UsageException {
        return new Thresholds(optional(warning), optional(critical));
    }

    private static Range optional(String text) throws UsageException {
        return text == null || text.isBlank() ? null : Range.parse(text);
    }

    /** CRITICAL if the critical range alerts, else WARNING if the warning range does, else OK. */
    public Status evaluate(double value) {
        if (critical != null && critical.alerts(value)) {
            return Status.CRITICAL;
        }
        if (warning != null && warning.alerts(value)) {
            return Status.WARNING;
        }
        return Status.OK;
    }
}
