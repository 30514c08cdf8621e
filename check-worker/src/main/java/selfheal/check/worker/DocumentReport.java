package selfheal.check.worker;

import java.util.ArrayList;
import java.util.List;
import selfheal.plugin.Status;

/**
 * A status document read in one format.
 *
 * @param format the format's short name, e.g. health+json
 * @param state the document's overall word, e.g. "pass", "UP"
 * @param status the overall status: the document's own, made worse by any component's
 */
record DocumentReport(String format, Status status, String state, List<Component> components) {

    DocumentReport {
        components = List.copyOf(components);
    }

    /** Combines the document's overall status with its components' by the worst-of rule. */
    static DocumentReport of(String format, Status overall, String state, List<Component> components) {
        List<Status> all = new ArrayList<>();
        all.add(overall);
        for (Component c : components) {
            all.add(c.status());
        }
        return new DocumentReport(format, Status.worstOf(all), state, components);
    }

    List<Component> failing() {
        List<Component> failing = new ArrayList<>();
        for (Component c : components) {
            if (c.status() != Status.OK) {
                failing.add(c);
            }
        }
        return failing;
    }
}
