package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Heartbeat times as a status document may carry them. The ordinary test run replays the seeds in
 * src/test/resources/selfheal/check/worker/Rfc3339FuzzTestInputs; {@code scripts/fuzz} fuzzes the target.
 */
class Rfc3339FuzzTest {

    /**
     * Rfc3339.parse of any text (the input as UTF-8) reads exactly what OffsetDateTime.parse reads, to the same
     * instant, and gives null otherwise.
     */
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void parseAgreesWithOffsetDateTime(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Instant expected;
        try {
            expected = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            expected = null;
        }
        assertEquals(expected, Rfc3339.parse(text), text);
    }
}
