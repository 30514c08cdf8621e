package selfheal.check.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import selfheal.plugin.Status;

/**
 * MicroProfile Health (SmallRye, Quarkus): {@code {"status": "UP"|"DOWN", "checks": [{"name", "status",
 * "data"}]}}, and Vert.x health checks, the same shape with {@code id} for name, nested {@code checks}
 * for groups and an {@code outcome} beside {@code status}.
 */
final class MicroProfileFormat implements StatusFormat {

    static final String NAME = "microprofile";
    static final String VERTX = "vertx";

    static Status map(String state) {
        return switch (state) {
            case "UP" -> Status.OK;
            case "DOWN" -> Status.CRITICAL;
            default -> Status.WARNING;
        };
    }

    static boolean looksLike(Map<String, Object> root) {
        return JsonReader.array(root.get("checks")) != null
                && (JsonReader.string(root, "status") != null || JsonReader.string(root, "outcome") != null);
    }

    @Override
    public DocumentReport read(Document document) throws NotThisFormat {
        Map<String, Object> root = JsonReader.object(document.json());
        if (root == null || !looksLike(root)) {
            throw new NotThisFormat("no \"status\" with a \"checks\" array");
        }
        String state = JsonReader.string(root, "status") != null ? JsonReader.string(root, "status") : JsonReader.string(root, "outcome");
        List<Object> checks = JsonReader.array(root.get("checks"));
        // Vert.x names its procedures "id" and adds "outcome"; MicroProfile uses "name".
        boolean vertx = root.containsKey("outcome");
        for (Object c : checks) {
            vertx |= JsonReader.string(JsonReader.object(c), "id") != null;
        }
        List<Component> components = new ArrayList<>();
        walk("", checks, components);
        return DocumentReport.of(vertx ? VERTX : NAME, map(state), state, components);
    }

    private static void walk(String prefix, List<Object> checks, List<Component> out) {
        for (Object item : checks) {
            Map<String, Object> check = JsonReader.object(item);
            if (check == null) {
                continue;
            }
            String id = JsonReader.string(check, "id");
            String name = JsonReader.string(check, "name");
            String label = prefix + (name != null ? name : id != null ? id : "?");
            List<Object> nested = JsonReader.array(check.get("checks"));
            if (nested != null && !nested.isEmpty()) {
                walk(label + "/", nested, out);
                continue;
            }
            String state = JsonReader.string(check, "status");
            state = state == null ? "no status" : state;
            Object data = check.get("data");
            Map<String, Object> dataObject = JsonReader.object(data);
            String detail = "";
            if (dataObject != null) {
                for (String key : List.of("reason", "cause", "message", "error")) {
                    if (dataObject.get(key) != null) {
                        detail = JsonReader.brief(dataObject.get(key));
                        break;
                    }
                }
                if (detail.isEmpty() && !dataObject.isEmpty()) {
                    detail = JsonReader.brief(dataObject);
                }
            }
            out.add(new Component(label, map(state), state, detail));
        }
    }
}
