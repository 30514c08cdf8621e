package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import selfheal.plugin.UsageException;

/**
 * --value and --stale pointers as a user may type them, resolved in any JSON. The ordinary test run replays
 * the seeds in src/test/resources/selfheal/check/worker/JsonPointerFuzzTestInputs; {@code scripts/fuzz}
 * fuzzes the target.
 */
class JsonPointerFuzzTest {

    /**
     * The input, as UTF-8, is the pointer, a line feed, and the document.
     *
     * <p>JsonPointer.parse accepts exactly RFC 6901 syntax ("" or '/'-led, every '~' followed by 0 or 1), and its
     * tokens, escaped again, give back the text; a usage error otherwise. resolve never throws: it gives null,
     * the whole document for "", or a JSON value inside it.
     */
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void parseIsExactAndResolveFindsAValueOrNull(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\n", 2);
        String text = parts[0];
        Object document = json(parts.length > 1 ? parts[1] : "");
        JsonPointer pointer;
        try {
            pointer = JsonPointer.parse(text);
        } catch (UsageException e) {
            assertTrue(!text.isEmpty() && (!text.startsWith("/") || badEscape(text)), text);
            return;
        }
        StringBuilder again = new StringBuilder();
        for (String token : pointer.tokens()) {
            again.append('/').append(token.replace("~", "~0").replace("/", "~1"));
        }
        assertEquals(text, again.toString());
        Object found = pointer.resolve(document);
        if (text.isEmpty()) {
            assertSame(document, found);
        } else if (found != null) {
            assertTrue(found instanceof Map || found instanceof List || found instanceof String
                    || found instanceof Number || found instanceof Boolean, found.getClass().getName());
        }
    }

    private static boolean badEscape(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '~' && (i + 1 == text.length() || "01".indexOf(text.charAt(i + 1)) < 0)) {
                return true;
            }
        }
        return false;
    }

    private static Object json(String text) {
        try {
            return JsonParser.any().from(text);
        } catch (JsonParserException | RuntimeException e) {
            return null;
        }
    }
}
