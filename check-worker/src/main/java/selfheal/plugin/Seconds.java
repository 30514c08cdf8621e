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

    /** A time for the summary line, e.g. {@code 0.096 s}. */
    public static String text(double seconds) {
        return PerfData.number(forPeople(seconds)) + " s";
    }
}
