package selfheal.status;

import java.time.Instant;
import java.util.List;

/**
 * One answer of the endpoint: the overall state (the worst of the checks, pass when there are none) and the
 * checks, rendered as an {@code application/health+json} document.
 */
record HealthReport(String serviceId, String description, List<CheckEntry> checks) {

    HealthReport {
        checks = List.copyOf(checks);
    }

    HealthStatus status() {
        HealthStatus worst = HealthStatus.PASS;
        for (CheckEntry entry : checks) {
            worst = worst.worse(entry.observation().status());
        }
        return worst;
    }

    /** The document; observations without a time of their own are stamped {@code now}. */
    String toJson(Instant now) {
        HealthStatus status = status();
        StringBuilder json = new StringBuilder(256 + 192 * checks.size());
        json.append("{\n  \"status\": ").append(Json.string(status.json()));
        json.append(",\n  \"serviceId\": ").append(Json.string(serviceId));
        if (description != null) {
            json.append(",\n  \"description\": ").append(Json.string(description));
        }
        json.append(",\n  \"checks\": {");
        String separator = "\n";
        for (CheckEntry entry : checks) {
            json.append(separator).append("    ").append(Json.string(entry.name())).append(": [\n      {");
            appendDetails(json, entry, now);
            json.append("\n      }\n    ]");
            separator = ",\n";
        }
        json.append(checks.isEmpty() ? "}" : "\n  }").append("\n}\n");
        return json.toString();
    }

    private static void appendDetails(StringBuilder json, CheckEntry entry, Instant now) {
        Observation o = entry.observation();
        String indent = "\n        ";
        json.append(indent).append("\"componentId\": ").append(Json.string(entry.componentId()));
        if (o.observedValue() != null) {
            json.append(',').append(indent).append("\"observedValue\": ").append(Json.number(o.observedValue()));
        }
        if (o.observedUnit() != null) {
            json.append(',').append(indent).append("\"observedUnit\": ").append(Json.string(o.observedUnit()));
        }
        json.append(',').append(indent).append("\"status\": ").append(Json.string(o.status().json()));
        Instant time = o.time() == null ? now : o.time();
        json.append(',').append(indent).append("\"time\": ").append(Json.string(time.toString()));
        if (o.output() != null) {
            json.append(',').append(indent).append("\"output\": ").append(Json.string(o.output()));
        }
    }
}
