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

    static Document of(HttpResponse response) {
        String body = response.body().strip();
        boolean declaredJson = response.contentType().endsWith("json");
        boolean jsonShape = body.startsWith("{") || (body.startsWith("[") && !KubernetesFormat.looksLike(body));
        if (!declaredJson && !jsonShape) {
            return new Document(response, null, null);
        }
        try {
            return new Document(response, JsonParser.any().from(body), null);
        } catch (JsonParserException e) {
            return new Document(response, null, "invalid JSON: " + e.getMessage());
        } catch (RuntimeException e) {
            // nanojson reports some malformed input (e.g. very deep nesting) this way
            return new Document(response, null, "invalid JSON: " + selfheal.plugin.Plugin.describe(e));
        }
    }
}
