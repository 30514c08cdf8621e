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
        json.append("{\n  \"status\": ").append(JsonLiterals.string(status.json()));
        json.append(",\n  \"serviceId\": ").append(JsonLiterals.string(serviceId));
        if (description != null) {
            json.append(",\n  \"description\": ").append(JsonLiterals.string(description));
        }
        json.append(",\n  \"checks\": {");
        String separator = "\n";
        for (CheckEntry entry : checks) {
            json.append(separator).append("    ").append(JsonLiterals.string(entry.name())).append(": [\n      {");
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
        json.append(indent).append("\"componentId\": ").append(JsonLiterals.string(entry.componentId()));
        if (o.observedValue() != null) {
            json.append(',').append(indent).append("\"observedValue\": ").append(JsonLiterals.number(o.observedValue()));
        }
        if (o.observedUnit() != null) {
            json.append(',').append(indent).append("\"observedUnit\": ").append(JsonLiterals.string(o.observedUnit()));
        }
        json.append(',').append(indent).append("\"status\": ").append(JsonLiterals.string(o.status().json()));
        Instant time = o.time() == null ? now : o.time();
        json.append(',').append(indent).append("\"time\": ").append(JsonLiterals.string(time.toString()));
        if (o.output() != null) {
            json.append(',').append(indent).append("\"output\": ").append(JsonLiterals.string(o.output()));
        }
    }
}
