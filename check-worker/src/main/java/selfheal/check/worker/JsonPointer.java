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
                if (!escapesWell(raw)) {
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
            } else if (node instanceof List<?> array && isIndex(token)) {
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

    /** Every '~' is followed by 0 or 1. */
    private static boolean escapesWell(String token) {
        for (int i = token.indexOf('~'); i >= 0; i = token.indexOf('~', i + 1)) {
            if (i + 1 == token.length() || token.charAt(i + 1) != '0' && token.charAt(i + 1) != '1') {
                return false;
            }
        }
        return true;
    }

    /** An array index: 0, or up to nine digits without a leading zero. */
    private static boolean isIndex(String token) {
        if (token.isEmpty() || token.length() > 9 || token.length() > 1 && token.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
