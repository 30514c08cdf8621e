package selfheal.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValuesTest {

    @ParameterizedTest(name = "age {0} ms with warn {1} fail {2} is {3}")
    @CsvSource({
            "0,     5000, 10000, PASS",
            "4999,  5000, 10000, PASS",
            "5000,  5000, 10000, WARN",
            "9999,  5000, 10000, WARN",
            "10000, 5000, 10000, FAIL",
            "10000, ,     10000, FAIL",
            "9999,  ,     10000, PASS",
            "99999, 5000, ,      WARN",
            "99999, ,     ,      PASS",
    })
    void heartbeatLimitsJudgeTheAgeInclusively(long ageMillis, Long warnMillis, Long failMillis, HealthStatus expected) {
        HeartbeatLimits limits = new HeartbeatLimits(warnMillis == null ? null : Duration.ofMillis(warnMillis),
                failMillis == null ? null : Duration.ofMillis(failMillis));

        assertEquals(expected, limits.evaluate(Duration.ofMillis(ageMillis)));
    }

    @Test
    void heartbeatLimitsMustBePositiveAndInOrder() {
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatLimits(Duration.ZERO, null));
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatLimits(null, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> new HeartbeatLimits(Duration.ofSeconds(10), Duration.ofSeconds(5)));
    }

    @Test
    void theWorseOfTwoStatesIsTheMoreSevere() {
        assertEquals(HealthStatus.WARN, HealthStatus.PASS.worse(HealthStatus.WARN));
        assertEquals(HealthStatus.FAIL, HealthStatus.FAIL.worse(HealthStatus.WARN));
        assertEquals(HealthStatus.PASS, HealthStatus.PASS.worse(HealthStatus.PASS));
    }

    @Test
    void observationsRefuseMissingStatusNonFiniteValuesAndUnitsWithoutValues() {
        assertThrows(IllegalArgumentException.class, () -> new Observation(null, 1, "s", null, null));
        assertThrows(IllegalArgumentException.class, () -> Observation.pass(Double.POSITIVE_INFINITY, "s"));
        assertThrows(IllegalArgumentException.class, () -> Observation.pass(Float.NaN, "s"));
        assertThrows(IllegalArgumentException.class, () -> new Observation(HealthStatus.PASS, null, "s", null, null));
    }

    @Test
    void aMutableNumberIsReadOnceWhenObserved() {
        AtomicLong counter = new AtomicLong(3);
        Observation observed = Observation.pass(counter, "files");
        counter.set(4);

        assertEquals(3L, observed.observedValue());
    }

    @Test
    void aFailureFromAnExceptionNamesItsTypeAndMessage() {
        assertEquals("IllegalStateException: boom", Observation.fail(new IllegalStateException("boom")).output());
        assertEquals("NullPointerException", Observation.fail(new NullPointerException()).output());
        assertNull(Observation.pass(1, " ").observedUnit());
    }

    @ParameterizedTest(name = "{0} renders as {1}")
    @CsvSource({
            "0.1,     0.1",
            "1e10,    10000000000",
            "1.5e-7,  0.00000015",
            "-2.25,   -2.25",
    })
    void numbersNeverUseAnExponent(double value, String expected) {
        assertEquals(expected, JsonLiterals.number(value));
    }

    @Test
    void integersAndDecimalsKeepTheirForm() {
        assertEquals("42", JsonLiterals.number(42L));
        assertEquals("1.500", JsonLiterals.number(new BigDecimal("1.500")));
    }

    @Test
    void stringsEscapeQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\\t\"", JsonLiterals.string("a\"b\\c\nd\u0001\t"));
        assertEquals("\"héllo\"", JsonLiterals.string("héllo"));
    }
}
