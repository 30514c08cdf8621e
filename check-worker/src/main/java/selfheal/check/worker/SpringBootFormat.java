package selfheal.check.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import selfheal.plugin.Status;

/**
 * Spring Boot Actuator health: {@code status} UP, DOWN, OUT_OF_SERVICE, UNKNOWN or a custom word, with
 * nested {@code components} (Boot 2.2+), the older {@code details}, or (Boot 1) components as plain
 * top-level keys. The top level can stay UP while a component is UNKNOWN or custom, so every leaf is read.
 */
final class SpringBootFormat implements StatusFormat {

    static final String NAME = "spring-boot";

    static Status map(String state) {
        return switch (state) {
            case "UP" -> Status.OK;
            case "DOWN", "OUT_OF_SERVICE" -> Status.CRITICAL;
            case "UNKNOWN" -> Status.UNKNOWN;
            default -> Status.WARNING; // custom statuses: someone wanted attention
        };
    }

    @Override
    public DocumentReport read(Document document) throws NotThisFormat {
        Map<String, Object> root = JsonReader.object(document.json());
        String state = JsonReader.topLevelStatus(root);
        List<Component> components = new ArrayList<>();
        walk("", root, components);
        return DocumentReport.of(NAME, map(state), state, components);
    }

    private static void walk(String path, Map<String, Object> node, List<Component> out) {
        Map<String, Object> children = children(node);
        if (children.isEmpty()) {
            if (!path.isEmpty()) {
                out.add(new Component(path, map(JsonReader.string(node, "status")), JsonReader.string(node, "status"), detail(node)));
            }
            return;
        }
        for (Map.Entry<String, Object> child : children.entrySet()) {
            walk(path.isEmpty() ? child.getKey() : path + "/" + child.getKey(), JsonReader.object(child.getValue()), out);
        }
    }

    /** The sub-components of a node: entries of components/details (or the node itself) that have a status. */
    private static Map<String, Object> children(Map<String, Object> node) {
        Map<String, Object> container = JsonReader.object(node.get("components"));
        if (container == null) {
            container = JsonReader.object(node.get("details"));
        }
        if (container == null) {
            container = node;
        }
        Map<String, Object> children = new TreeMap<>();
        for (Map.Entry<String, Object> entry : container.entrySet()) {
            if (JsonReader.string(JsonReader.object(entry.getValue()), "status") != null) {
                children.put(entry.getKey(), entry.getValue());
            }
        }
        return children;
    }

    private static String detail(Map<String, Object> node) {
        Map<String, Object> details = JsonReader.object(node.get("details"));
        if (details == null) {
            return "";
        }
        Object error = details.get("error");
        return error != null ? JsonReader.brief(error) : JsonReader.brief(details);
    }
}
