package selfheal.check.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import selfheal.plugin.UsageException;

/** An RFC 6901 JSON Pointer, e.g. {@code /checks/queue:depth/0/observedValue}; "" is the whole document. */
record JsonPointer(String text, List<String> tokens) {

    JsonPointer {
        tokens = List.copyOf(tokens);
    }

    static JsonPointer parse(String text) throws UsageException {
        if (!text.isEmpty() && !text.startsWith("/")) {
            throw new UsageException("bad JSON pointer '" + text + "': it must start with '/'");
        }
        List<String> tokens = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String raw : text.substring(1).split("/", -1)) {
                if (raw.matches(".*~([^01]|$).*")) {
                    throw new UsageException("bad JSON pointer '" + text + "': '~' must be followed by 0 or 1");
                }
                tokens.add(raw.replace("~1", "/").replace("~0", "~"));
            }
        }
        return new JsonPointer(text, tokens);
    }

    /** The value the pointer selects in a parsed document, or null when there is none. */
    Object resolve(Object document) {
        Object node = document;
        for (String token : tokens) {
            if (node instanceof Map<?, ?> object) {
                if (!object.containsKey(token)) {
                    return null;
                }
                node = object.get(token);
            } else if (node instanceof List<?> array && token.matches("0|[1-9]\\d{0,8}")) {
                int index = Integer.parseInt(token);
                if (index >= array.size()) {
                    return null;
                }
                node = array.get(index);
            } else {
                return null;
            }
        }
        return node;
    }

    @Override
    public String toString() {
        return text;
    }
}
