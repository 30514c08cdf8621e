package selfheal.check.worker;

import java.util.Locale;
import java.util.Map;
import selfheal.plugin.UsageException;

/** The status formats check_worker reads, chosen with --format or detected from the response. */
enum Format {
    AUTO(null, false),
    HEALTH(new HealthJsonFormat(), true),
    SPRING(new SpringBootFormat(), true),
    DROPWIZARD(new DropwizardFormat(), true),
    MICROPROFILE(new MicroProfileFormat(), true),
    VERTX(new MicroProfileFormat(), true),
    KUBERNETES(new KubernetesFormat(), false),
    HTTP(new HttpStatusFormat(), false);

    private final StatusFormat reader;
    private final boolean json;

    Format(StatusFormat reader, boolean json) {
        this.reader = reader;
        this.json = json;
    }

    StatusFormat reader() {
        return reader;
    }

    boolean isJson() {
        return json;
    }

    String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String names() {
        StringBuilder names = new StringBuilder();
        for (Format f : values()) {
            names.append(names.length() == 0 ? "" : "|").append(f.optionName());
        }
        return names.toString();
    }

    static Format parse(String text) throws UsageException {
        for (Format f : values()) {
            if (f.optionName().equalsIgnoreCase(text.trim())) {
                return f;
            }
        }
        throw new UsageException("bad --format '" + text + "': expected " + names());
    }

    /** Picks the format from the content type first, then from the body's shape. */
    static Format detect(Document document) {
        String type = document.response().contentType();
        if (type.equals("application/health+json")) {
            return HEALTH;
        }
        if (type.contains("spring-boot.actuator")) {
            return SPRING;
        }
        Map<String, Object> root = JsonReader.object(document.json());
        if (root != null) {
            if (MicroProfileFormat.looksLike(root)) {
                return MICROPROFILE;
            }
            if (HealthJsonFormat.looksLike(root)) {
                return HEALTH;
            }
            if (JsonReader.string(root, "status") != null) {
                return SPRING;
            }
            if (DropwizardFormat.looksLike(root, document.response().code())) {
                return DROPWIZARD;
            }
            return HTTP;
        }
        if (document.json() == null && document.jsonError() == null
                && KubernetesFormat.looksLike(document.response().body())) {
            return KUBERNETES;
        }
        return HTTP;
    }
}
