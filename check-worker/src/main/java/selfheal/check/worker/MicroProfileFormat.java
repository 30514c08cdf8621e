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
        return Json.array(root.get("checks")) != null
                && (Json.string(root, "status") != null || Json.string(root, "outcome") != null);
    }

    @Override
    public HealthReport read(Document document) throws NotThisFormat {
        Map<String, Object> root = Json.object(document.json());
        if (root == null || !looksLike(root)) {
            throw new NotThisFormat("no \"status\" with a \"checks\" array");
        }
        String state = Json.string(root, "status") != null ? Json.string(root, "status") : Json.string(root, "outcome");
        List<Object> checks = Json.array(root.get("checks"));
        // Vert.x names its procedures "id" and adds "outcome"; MicroProfile uses "name".
        boolean vertx = root.containsKey("outcome");
        for (Object c : checks) {
            vertx |= Json.string(Json.object(c), "id") != null;
        }
        List<Component> components = new ArrayList<>();
        walk("", checks, components);
        return HealthReport.of(vertx ? VERTX : NAME, map(state), state, components);
    }

    private static void walk(String prefix, List<Object> checks, List<Component> out) {
        for (Object item : checks) {
            Map<String, Object> check = Json.object(item);
            if (check == null) {
                continue;
            }
            String id = Json.string(check, "id");
            String name = Json.string(check, "name");
            String label = prefix + (name != null ? name : id != null ? id : "?");
            List<Object> nested = Json.array(check.get("checks"));
            if (nested != null && !nested.isEmpty()) {
                walk(label + "/", nested, out);
                continue;
            }
            String state = Json.string(check, "status");
            state = state == null ? "no status" : state;
            Object data = check.get("data");
            Map<String, Object> dataObject = Json.object(data);
            String detail = "";
            if (dataObject != null) {
                for (String key : List.of("reason", "cause", "message", "error")) {
                    if (dataObject.get(key) != null) {
                        detail = Json.brief(dataObject.get(key));
                        break;
                    }
                }
                if (detail.isEmpty() && !dataObject.isEmpty()) {
                    detail = Json.brief(dataObject);
                }
            }
            out.add(new Component(label, map(state), state, detail));
        }
    }
}
