package selfheal.check.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import selfheal.plugin.PerfData;
import selfheal.plugin.Status;

/**
 * The IETF draft "Health Check Response Format for HTTP APIs" (application/health+json), the native
 * format of our workers: {@code status} pass|ok|up, warn, fail|error|down, and {@code checks}, a map
 * from "component:measurement" to an array of objects with observedValue, observedUnit, status, time.
 */
final class HealthJsonFormat implements StatusFormat {

    static final String NAME = "health+json";

    static Status map(String state) {
        return switch (state.toLowerCase(Locale.ROOT)) {
            case "pass", "ok", "up" -> Status.OK;
            case "warn" -> Status.WARNING;
            case "fail", "error", "down" -> Status.CRITICAL;
            default -> Status.UNKNOWN;
        };
    }

    static boolean looksLike(Map<String, Object> root) {
        String status = JsonReader.string(root, "status");
        return status != null && (root.get("checks") instanceof Map
                || List.of("pass", "warn", "fail", "ok", "up", "down", "error").contains(status));
    }

    @Override
    public DocumentReport read(Document document) throws NotThisFormat {
        Map<String, Object> root = JsonReader.object(document.json());
        String state = JsonReader.topLevelStatus(root);
        List<Component> components = new ArrayList<>();
        Map<String, Object> checks = JsonReader.object(root.get("checks"));
        if (checks != null) {
            for (Map.Entry<String, Object> check : new TreeMap<>(checks).entrySet()) {
                List<Object> entries = JsonReader.array(check.getValue());
                if (entries == null) {
                    continue;
                }
                for (Object item : entries) {
                    Map<String, Object> entry = JsonReader.object(item);
                    if (entry != null) {
                        components.add(component(check.getKey(), entry, entries.size() > 1));
                    }
                }
            }
        }
        String description = JsonReader.string(root, "output");
        if (description != null && !description.isBlank()) {
            components.add(0, new Component("output", map(state), state, JsonReader.brief(description)));
        }
        return DocumentReport.of(NAME, map(state), state, components);
    }

    private static Component component(String key, Map<String, Object> entry, boolean several) {
        String id = JsonReader.string(entry, "componentId");
        String name = several && id != null ? key + " " + id : key;
        String state = JsonReader.string(entry, "status");
        List<String> detail = new ArrayList<>();
        Double value = JsonReader.number(entry.get("observedValue"));
        if (value != null) {
            String unit = JsonReader.string(entry, "observedUnit");
            detail.add(PerfData.number(value) + (unit == null ? "" : " " + unit));
        } else if (entry.get("observedValue") != null) {
            detail.add(JsonReader.brief(entry.get("observedValue")));
        }
        String time = JsonReader.string(entry, "time");
        if (time != null) {
            detail.add("at " + time);
        }
        String output = JsonReader.string(entry, "output");
        if (output != null && !output.isBlank()) {
            detail.add(JsonReader.brief(output));
        }
        // A check without its own status says nothing about health: it counts as passing.
        Status status = state == null ? Status.OK : map(state);
        return new Component(name, status, state == null ? "no status" : state, String.join(", ", detail));
    }
}
