package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecondsTest {

    @ParameterizedTest(name = "{0} s -> perfdata {1}, summary ''{2}''")
    @CsvSource({
            "0,            0,         0 s",
            "0.0963141592, 0.096314,  0.096 s",
            "0.0004996,    0.0005,    0 s",
            "0.0005,       0.0005,    0.001 s",
            "1.23456789,   1.234568,  1.235 s",
            "12,           12,        12 s",
            "600.0071,     600.0071,  600.007 s",
    })
    void roundsToMicrosecondsForPerfDataAndMillisecondsForPeople(double seconds, double perf, String text) {
        assertEquals(perf, Seconds.forPerfData(seconds));
        assertEquals(text, Seconds.text(seconds));
    }
}
