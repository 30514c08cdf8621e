package selfheal.plugin;

import java.math.BigDecimal;
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
        if (Characters.anyControlOr(label, "'=|")) {
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

    public static PerfData of(String label, double value, String uom) {
        return new PerfData(label, value, uom, Thresholds.NONE, null, null);
    }

    public PerfData withThresholds(Thresholds t) {
        return new PerfData(label, value, uom, t, min, max);
    }

    public PerfData withMin(double minimum) {
        return new PerfData(label, value, uom, thresholds, minimum, max);
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

    /** Plain decimal notation, no exponent, no trailing zeros. */
    public static String number(double v) {
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
