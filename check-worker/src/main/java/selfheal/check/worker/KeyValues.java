package selfheal.check.worker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import selfheal.plugin.UsageException;

/** An option value of the shape {@code HEAD[,key=value]...} with a fixed set of keys. */
record KeyValues(String head, Map<String, String> values) {

    static KeyValues parse(String option, String text, String... keys) throws UsageException {
        String[] parts = text.split(",", -1);
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            String key = eq < 0 ? parts[i].trim() : parts[i].substring(0, eq).trim();
            if (eq < 0 || !List.of(keys).contains(key)) {
                throw new UsageException("bad " + option + " '" + text + "': expected key=value with a key among "
                        + String.join(", ", keys) + ", got '" + parts[i] + "'");
            }
            if (values.put(key, parts[i].substring(eq + 1).trim()) != null) {
                throw new UsageException("bad " + option + " '" + text + "': " + key + " given twice");
            }
        }
        return new KeyValues(parts[0].trim(), Map.copyOf(values));
    }

    String get(String key, String fallback) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
