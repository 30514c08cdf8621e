package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.grack.nanojson.JsonParser;
import org.junit.jupiter.api.Test;

class StaleCheckTest {

    private static double age(String time) throws Exception {
        Object document = JsonParser.any().from("{\"checks\":{\"worker:heartbeat\":[{\"time\":\"" + time + "\"}]}}");
        return StaleCheck.parse("worker:heartbeat,warn=60").ageSeconds(document, FuzzChecks.NOW);
    }

    @Test
    void aHeartbeatCenturiesAwayIsAnAgeNotAnOverflow() throws Exception {
        assertEquals(0.0, age("4050-12-31T23:59:30Z"));
        assertEquals(63_934_444_800.0, age("0000-01-01T00:00:00Z"));
    }

    @Test
    void anAgeKeepsItsFraction() throws Exception {
        assertEquals(29.75, age("2025-12-31T23:59:30.250Z"));
    }
}
