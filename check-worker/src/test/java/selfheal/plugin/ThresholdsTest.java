package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdsTest {

    @ParameterizedTest(name = "-w {0} -c {1}, value {2}: {3}")
    @CsvSource(nullValues = "-", value = {
        "1, 2, 0.5, OK", "1, 2, 1, OK", "1, 2, 1.5, WARNING", "1, 2, 2, WARNING", "1, 2, 2.1, CRITICAL",
        "-, 2, 1.9, OK", "-, 2, 3, CRITICAL", "1, -, 3, WARNING", "-, -, 1e9, OK",
        "10:, 5:, 7, WARNING", "10:, 5:, 4, CRITICAL", "@0:5, @0:1, 0.5, CRITICAL", "@0:5, @0:1, 3, WARNING",
        // a critical range that does not alert leaves room for the warning one
        "5, 100, 50, WARNING",
    })
    void criticalFirstThenWarning(String warn, String crit, double value, Status expected) throws UsageException {
        assertEquals(expected, Thresholds.parse(warn, crit).evaluate(value));
    }
}
