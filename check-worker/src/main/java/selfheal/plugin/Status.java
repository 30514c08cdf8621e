package selfheal.plugin;

/**
 * A Nagios plugin state and its exit code.
 *
 * <p>Worst-of rule for aggregating parts (components, thresholds, staleness): OK &lt; UNKNOWN &lt;
 * WARNING &lt; CRITICAL. This is the order monitoring-plugins calls {@code max_state_alt}. UNKNOWN beats
 * OK so that a part nobody could judge is never hidden behind healthy ones; WARNING and CRITICAL beat
 * UNKNOWN because a part that is known to be bad is the more actionable fact, and CRITICAL is what
 * triggers the healing restart.
 */
public enum Status {
    OK(0, 0),
    WARNING(1, 2),
    CRITICAL(2, 3),
    UNKNOWN(3, 1);

    private final int exitCode;
    private final int severity;

    Status(int exitCode, int severity) {
        this.exitCode = exitCode;
        this.severity = severity;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The worse of this and {@code other} under the rule above. */
    public Status worst(Status other) {
        return other.severity > severity ? other : this;
    }

    public static Status worstOf(Iterable<Status> states) {
        Status worst = OK;
        for (Status s : states) {
            worst = worst.worst(s);
        }
        return worst;
    }

    /** Parses ok|warning|critical|unknown, case-insensitively; a usage error otherwise. */
    public static Status parse(String option, String text) throws UsageException {
        for (Status s : values()) {
            if (s.name().equalsIgnoreCase(text.trim())) {
                return s;
            }
        }
        throw new UsageException(option + " must be ok, warning, critical or unknown, not '" + text + "'");
    }
}
