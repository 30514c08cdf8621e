package selfheal.check.worker;

import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;

/**
 * A response with its body parsed as JSON when it looks like JSON.
 *
 * @param json the parsed body (JsonObject, JsonArray, String, Number, Boolean), or null
 * @param jsonError why a body that looked like JSON could not be parsed, or null
 */
record Document(HttpResponse response, Object json, String jsonError) {

    /**
     * Arrays and objects nested deeper than this are refused before parsing: nanojson parses by recursion, and a
     * body of a megabyte of '[' would overflow the stack (which no status document needs).
     */
    static final int MAX_DEPTH = 256;

    static Document of(HttpResponse response) {
        String body = response.body().strip();
        boolean declaredJson = response.contentType().endsWith("json");
        boolean jsonShape = body.startsWith("{") || (body.startsWith("[") && !KubernetesFormat.looksLike(body));
        if (!declaredJson && !jsonShape) {
            return new Document(response, null, null);
        }
        if (nestedTooDeep(body)) {
            return new Document(response, null, "invalid JSON: nested deeper than " + MAX_DEPTH + " levels");
        }
        try {
            return new Document(response, JsonParser.any().from(body), null);
        } catch (JsonParserException e) {
            return new Document(response, null, "invalid JSON: " + e.getMessage());
        } catch (RuntimeException e) {
            // nanojson reports some malformed input this way rather than as JsonParserException
            return new Document(response, null, "invalid JSON: " + selfheal.plugin.Plugin.describe(e));
        }
    }

    /** Whether '[' and '{' outside strings ever open more than MAX_DEPTH levels at once. */
    private static boolean nestedTooDeep(String body) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                if (++depth > MAX_DEPTH) {
                    return true;
                }
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return false;
    }
}
