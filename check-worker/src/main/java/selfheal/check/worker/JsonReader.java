package selfheal.check.worker;

import java.util.List;
import java.util.Map;

/** Small typed reads on parsed JSON, so readers need no casts. */
final class JsonReader {
    private JsonReader() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(Object node) {
        return node instanceof List<?> l ? (List<Object>) l : null;
    }

    static String string(Map<String, Object> object, String key) {
        return object != null && object.get(key) instanceof String s ? s : null;
    }

    /** The top-level "status" string that Spring Boot and health+json documents both start from. */
    static String topLevelStatus(Map<String, Object> root) throws NotThisFormat {
        String state = string(root, "status");
        if (state == null) {
            throw new NotThisFormat("no \"status\" string at the top level");
        }
        return state;
    }

    static Double number(Object node) {
        return node instanceof Number n ? n.doubleValue() : null;
    }

    /** A short one-line rendering of a value for the long output. */
    static String brief(Object node) {
        String text = node instanceof String s ? s
                : node instanceof java.util.Map<?, ?> || node instanceof List<?> ? com.grack.nanojson.JsonWriter.string(node)
                : String.valueOf(node);
        return selfheal.plugin.Characters.oneLine(text, 200);
    }
}
