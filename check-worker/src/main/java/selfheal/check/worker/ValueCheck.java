package selfheal.check.worker;

import java.util.Map;
import selfheal.plugin.PerfData;
import selfheal.plugin.Thresholds;
import selfheal.plugin.UsageException;

/**
 * {@code --value POINTER[,label=NAME][,warn=RANGE][,crit=RANGE][,uom=UNIT]}: a number in the JSON body,
 * checked against ranges and reported as perfdata. Commas, not semicolons, separate the parts, because
 * a ';' starts a comment in a Nagios command_line.
 */
record ValueCheck(JsonPointer pointer, String label, Thresholds thresholds, String uom) {

    static ValueCheck parse(String text) throws UsageException {
        KeyValues kv = KeyValues.parse("--value", text, "label", "warn", "crit", "uom");
        JsonPointer pointer = JsonPointer.parse(kv.head());
        String label = kv.get("label", defaultLabel(pointer));
        String uom = kv.get("uom", null);
        if (uom != null && !PerfData.UNITS.contains(uom)) {
            throw new UsageException("bad --value '" + text + "': uom must be one of s ms us % B KB MB GB TB c or empty");
        }
        checkLabel("--value", text, label);
        return new ValueCheck(pointer, label, Thresholds.parse(kv.get("warn", null), kv.get("crit", null)), uom);
    }

    /** "/checks/queue:depth/0/observedValue" becomes "queue:depth"; other pointers lose their first '/'. */
    static String defaultLabel(JsonPointer pointer) {
        var t = pointer.tokens();
        if (t.size() == 4 && t.get(0).equals("checks") && t.get(3).equals("observedValue")) {
            return t.get(1);
        }
        return pointer.text().isEmpty() ? "value" : pointer.text().substring(1);
    }

    static void checkLabel(String option, String text, String label) throws UsageException {
        if (!PerfData.isLabel(label)) {
            throw new UsageException("bad " + option + " '" + text + "': a label may not be empty or contain ' = |");
        }
    }

    /** The unit: as given, else the sibling observedUnit when it is a perfdata unit, else none. */
    String unitIn(Object document) {
        if (uom != null) {
            return uom;
        }
        var t = pointer.tokens();
        if (!t.isEmpty() && t.get(t.size() - 1).equals("observedValue")) {
            Map<String, Object> parent = JsonReader.object(new JsonPointer("", t.subList(0, t.size() - 1)).resolve(document));
            return PerfData.unitOrNone(JsonReader.string(parent, "observedUnit"));
        }
        return "";
    }
}
