package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import selfheal.plugin.Status;

class DocumentTest {

    @Test
    void aBodyNestedDeeperThanTheLimitIsInvalidJsonNotAStackOverflow() {
        Document document = Document.of(FuzzChecks.response(200, "application/json", "[".repeat(100_000)));
        assertNull(document.json());
        assertEquals("invalid JSON: nested deeper than 256 levels", document.jsonError());
    }

    @Test
    void nestingUpToTheLimitParsesAndBracketsInStringsDoNotCount() {
        String body = "[".repeat(Document.MAX_DEPTH) + "\"[[[{{{\\\"[[\"" + "]".repeat(Document.MAX_DEPTH);
        assertNotNull(Document.of(FuzzChecks.response(200, "application/json", body)).json());
    }

    @Test
    void aServerErrorWithADeeplyNestedBodyIsStillCritical() {
        HttpResponse response = FuzzChecks.response(503, "application/json", "{\"a\":" + "[".repeat(100_000));
        assertEquals(Status.CRITICAL, new ResponseEvaluation(FuzzChecks.options(), FuzzChecks.NOW).evaluate(response).status());
    }
}
