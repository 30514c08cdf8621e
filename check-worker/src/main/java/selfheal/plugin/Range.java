package selfheal.plugin;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A threshold range in the monitoring-plugins grammar {@code [@][start:][end]}: without {@code @} a value
 * alerts when it lies outside start..end, with {@code @} when it lies inside; both ends are inclusive.
 * An omitted start is 0, {@code ~} is negative infinity, an omitted end is positive infinity.
 *
 * @param text the range as the user wrote it, used verbatim in perfdata
 */
public record Range(double start, double end, boolean inside, String text) {

    private static final String NUMBER = "[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)";
    private static final Pattern GRAMMAR =
            Pattern.compile("(@)?(?:(~|" + NUMBER + ")?:)?(" + NUMBER + ")?");

    public Range {
        if (Double.isNaN(start) || Double.isNaN(end) || start > end) {
            throw new IllegalArgumentException("range start must not exceed its end: " + text);
        }
    }

    /** Parses a range; a malformed one, or start greater than end, is a usage error naming it. */
    public static Range parse(String text) throws UsageException {
        String t = text == null ? "" : text.trim();
        Matcher m = GRAMMAR.matcher(t);
        boolean hasStart = m.matches() && m.group(2) != null;
        boolean hasEnd = m.matches() && m.group(3) != null;
        if (!m.matches() || (!hasStart && !hasEnd)) {
            throw new UsageException("bad range '" + text + "': expected [@][start:][end], e.g. 10, 10:, ~:10, 10:20, @10:20");
        }
        double start = !hasStart ? 0 : m.group(2).equals("~") ? Double.NEGATIVE_INFINITY : Double.parseDouble(m.group(2));
        double end = hasEnd ? Double.parseDouble(m.group(3)) : Double.POSITIVE_INFINITY;
        if (start > end) {
            throw new UsageException("bad range '" + text + "': start is greater than end");
        }
        return new Range(start, end, m.group(1) != null, t);
    }

    /** True when {@code value} exceeds this threshold. */
    public boolean alerts(double value) {
        boolean within = value >= start && value <= end;
        return inside == within;
    }

    @Override
    public String toString() {
        return text;
    }
}
