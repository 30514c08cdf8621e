package selfheal.plugin;

/** How plugins round a measured time: microseconds in perfdata, milliseconds where people read it. */
public final class Seconds {
    private Seconds() {
    }

    /** Microsecond resolution is plenty for a response time and keeps perfdata short. */
    public static double forPerfData(double seconds) {
        return Math.round(seconds * 1e6) / 1e6;
    }

    /** Whole milliseconds, e.g. {@code 0.096}. */
    public static double forPeople(double seconds) {
        return Math.round(seconds * 1e3) / 1e3;
    }

    /**
     * The response time's perfdata, {@code 'time'=0.012345s;warn;crit;0;10}: its max is the timeout, as
     * check_http's is, so a graph shows how close a check came to it.
     */
    public static PerfData perfData(double seconds, Thresholds thresholds, java.time.Duration timeout) {
        return new PerfData("time", forPerfData(seconds), "s", thresholds, 0.0, timeout.toNanos() / 1e9);
    }

    /** A time for the summary line, e.g. {@code 0.096 s}. */
    public static String text(double seconds) {
        return PerfData.number(forPeople(seconds)) + " s";
    }
}
