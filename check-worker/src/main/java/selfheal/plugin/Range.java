package selfheal.plugin;

/**
 * A threshold range in the monitoring-plugins grammar {@code [@][start:][end]}: without {@code @} a value
 * alerts when it lies outside start..end, with {@code @} when it lies inside; both ends are inclusive.
 * An omitted start is 0, {@code ~} is negative infinity, an omitted end is positive infinity.
 *
 * @param text the range as the user wrote it, used verbatim in perfdata
 */
public record Range(double start, double end, boolean inside, String text) {

    public Range {
        if (Double.isNaN(start) || Double.isNaN(end) || start > end) {
            throw new IllegalArgumentException("range start must not exceed its end: " + text);
        }
    }

    /** Parses a range; a malformed one, or start greater than end, is a usage error naming it. */
    public static Range parse(String text) throws UsageException {
        String t = text == null ? "" : text.trim();
        boolean inside = t.startsWith("@");
        String rest = inside ? t.substring(1) : t;
        int colon = rest.indexOf(':');
        String start = colon < 0 ? "" : rest.substring(0, colon);
        String end = colon < 0 ? rest : rest.substring(colon + 1);
        boolean wellFormed = (start.isEmpty() || start.equals("~") || isNumber(start)) && (end.isEmpty() || isNumber(end));
        if (!wellFormed || (start.isEmpty() && end.isEmpty())) {
            throw new UsageException("bad range '" + text + "': expected [@][start:][end], e.g. 10, 10:, ~:10, 10:20, @10:20");
        }
        double low = start.isEmpty() ? 0 : start.equals("~") ? Double.NEGATIVE_INFINITY : Double.parseDouble(start);
        double high = end.isEmpty() ? Double.POSITIVE_INFINITY : Double.parseDouble(end);
        if (low > high) {
            throw new UsageException("bad range '" + text + "': start is greater than end");
        }
        return new Range(low, high, inside, t);
    }

    /** A plain decimal: an optional sign, then digits with an optional fraction, or a point and digits. */
    private static boolean isNumber(String text) {
        int i = text.startsWith("-") || text.startsWith("+") ? 1 : 0;
        int digits = 0;
        int point = -1;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && point < 0) {
                point = i;
            } else {
                return false;
            }
        }
        return digits > 0;
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
