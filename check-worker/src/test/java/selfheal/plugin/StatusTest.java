package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusTest {

    @ParameterizedTest(name = "worst of {0} and {1} is {2}")
    @CsvSource({
        "OK, OK, OK", "OK, WARNING, WARNING", "OK, CRITICAL, CRITICAL", "OK, UNKNOWN, UNKNOWN",
        "WARNING, UNKNOWN, WARNING", "WARNING, CRITICAL, CRITICAL", "WARNING, WARNING, WARNING",
        "CRITICAL, UNKNOWN, CRITICAL", "UNKNOWN, UNKNOWN, UNKNOWN", "CRITICAL, CRITICAL, CRITICAL",
    })
    void worstOfIsSymmetricAndOrdersOkUnknownWarningCritical(Status a, Status b, Status worst) {
        assertEquals(worst, a.worst(b));
        assertEquals(worst, b.worst(a));
        assertEquals(worst, Status.worstOf(List.of(a, b)));
    }

    @ParameterizedTest
    @CsvSource({"OK, 0", "WARNING, 1", "CRITICAL, 2", "UNKNOWN, 3"})
    void exitCodesAreNagios(Status s, int code) {
        assertEquals(code, s.exitCode());
    }

    @ParameterizedTest
    @CsvSource({"ok, OK", "Warning, WARNING", "CRITICAL, CRITICAL", "unknown, UNKNOWN"})
    void parsesNamesCaseInsensitively(String text, Status s) throws UsageException {
        assertEquals(s, Status.parse("--timeout-result", text));
    }

    @org.junit.jupiter.api.Test
    void anEmptyListIsOkAndABadNameIsAUsageError() {
        assertEquals(Status.OK, Status.worstOf(List.of()));
        UsageException e = assertThrows(UsageException.class, () -> Status.parse("--timeout-result", "bad"));
        assertEquals("--timeout-result must be ok, warning, critical or unknown, not 'bad'", e.getMessage());
    }
}
