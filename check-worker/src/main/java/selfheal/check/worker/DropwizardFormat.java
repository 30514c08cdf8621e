package selfheal.check.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import selfheal.plugin.Status;

/**
 * The Dropwizard / Metrics health-check servlet: an object of {@code {"name": {"healthy": bool,
 * "message": ..., "error": {...}}}}. It answers 500 when a check is unhealthy, 501 when none is
 * registered, or always 200 when so configured, so the body decides; only a 4xx or 5xx beside a healthy
 * body makes the result worse (ResponseEvaluation), and the 501 of "none registered" stays UNKNOWN.
 */
final class DropwizardFormat implements StatusFormat {

    static final String NAME = "dropwizard";

    static boolean looksLike(Map<String, Object> root, int code) {
        if (root.isEmpty()) {
            return code == 501;
        }
        for (Object v : root.values()) {
            if (!(JsonReader.object(v) != null && JsonReader.object(v).get("healthy") instanceof Boolean)) {
                return false;
            }
        }
        return true;
    }

    /** The report of {@code {}}: no checks registered, which the servlet answers with 501. */
    static boolean noneRegistered(DocumentReport report) {
        return report.format().equals(NAME) && report.components().isEmpty();
    }

    @Override
    public DocumentReport read(Document document) throws NotThisFormat {
        Map<String, Object> root = JsonReader.object(document.json());
        if (root == null || !looksLike(root, root.isEmpty() ? 501 : 0)) {
            throw new NotThisFormat("not an object of {\"healthy\": true|false} entries");
        }
        if (root.isEmpty()) {
            return DocumentReport.of(NAME, Status.UNKNOWN, "no health checks registered", List.of());
        }
        List<Component> components = new ArrayList<>();
        for (Map.Entry<String, Object> e : new TreeMap<>(root).entrySet()) {
            Map<String, Object> check = JsonReader.object(e.getValue());
            boolean healthy = (Boolean) check.get("healthy");
            String detail = JsonReader.string(check, "message");
            Map<String, Object> error = JsonReader.object(check.get("error"));
            if (detail == null && error != null) {
                detail = JsonReader.string(error, "message");
            }
            components.add(new Component(e.getKey(), healthy ? Status.OK : Status.CRITICAL,
                    healthy ? "healthy" : "unhealthy", detail == null ? "" : JsonReader.brief(detail)));
        }
        boolean allHealthy = true;
        for (Component c : components) {
            allHealthy &= c.status() == Status.OK;
        }
        return DocumentReport.of(NAME, Status.OK, allHealthy ? "healthy" : "unhealthy", components);
    }
}
