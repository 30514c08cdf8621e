package selfheal.plugin;

import java.util.Set;

/**
 * One performance data item, rendered exactly as {@code 'label'=value[UOM];[warn];[crit];[min];[max]}
 * (trailing empty fields dropped). The label is always quoted, which is valid whether or not it has
 * spaces; numbers never use scientific notation.
 *
 * @param uom one of {@link #UNITS}; empty for a plain number
 * @param min null when absent
 * @param max null when absent
 */
public record PerfData(String label, double value, String uom, Thresholds thresholds, Double min, Double max) {

    /** The units of measurement the Nagios plugin guidelines define. */
    public static final Set<String> UNITS = Set.of("", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c");

    public PerfData {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("perfdata label must not be blank");
        }
        if (!isLabel(label)) {
            throw new IllegalArgumentException("perfdata label may not contain quotes, '=', '|' or control characters: " + label);
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("perfdata value must be finite: " + label);
        }
        uom = uom == null ? "" : uom;
        if (!UNITS.contains(uom)) {
            throw new IllegalArgumentException("perfdata unit '" + uom + "' is not one of " + UNITS);
        }
        thresholds = thresholds == null ? Thresholds.NONE : thresholds;
    }

    /** Whether {@code label} can be one: not blank, and no quote, '=', '|' or control character. */
    public static boolean isLabel(String label) {
        return label != null && !label.isBlank() && !Characters.anyControlOr(label, "'=|");
    }

    /** The unit for a free-form unit name (e.g. health+json's observedUnit), or "" when it is not one. */
    public static String unitOrNone(String unit) {
        return unit != null && UNITS.contains(unit) ? unit : "";
    }

    public String render() {
        String[] fields = {
            "'" + label + "'=" + number(value) + uom,
            thresholds.warning() == null ? "" : thresholds.warning().text(),
            thresholds.critical() == null ? "" : thresholds.critical().text(),
            min == null ? "" : number(min),
            max == null ? "" : number(max),
        };
        int last = fields.length - 1;
        while (last > 0 && fields[last].isEmpty()) {
            last--;
        }
        return String.join(";", java.util.Arrays.copyOf(fields, last + 1));
    }

    /**
     * Plain decimal notation, no exponent, no trailing zeros: Double.toString's digits with its exponent
     * written out. By hand rather than through BigDecimal, whose first use costs a check 1 ms interpreted on
     * JDK 17 and 60 ms on JDK 25.
     */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new NumberFormatException("not a finite number: " + v);
        }
        if (v == 0) {
            return "0";
        }
        String text = Double.toString(v); // "-12.5", "1.0E-7", "1.5E9": one digit before the point when E
        String sign = text.startsWith("-") ? "-" : "";
        int e = text.indexOf('E');
        String mantissa = text.substring(sign.length(), e < 0 ? text.length() : e);
        int dot = mantissa.indexOf('.');
        String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int point = dot + (e < 0 ? 0 : Integer.parseInt(text.substring(e + 1))); // digits before the point
        StringBuilder plain = new StringBuilder(sign);
        if (point <= 0) {
            plain.append("0.").append("0".repeat(-point)).append(digits);
        } else if (point >= digits.length()) {
            plain.append(digits).append("0".repeat(point - digits.length()));
        } else {
            plain.append(digits, 0, point).append('.').append(digits, point, digits.length());
        }
        return trimZeros(plain);
    }

    /** Without trailing zeros after a decimal point, nor the point itself when nothing follows it. */
    private static String trimZeros(StringBuilder plain) {
        if (plain.indexOf(".") < 0) {
            return plain.toString();
        }
        int end = plain.length();
        while (plain.charAt(end - 1) == '0') {
            end--;
        }
        if (plain.charAt(end - 1) == '.') {
            end--;
        }
        return plain.substring(0, end);
    }
}
