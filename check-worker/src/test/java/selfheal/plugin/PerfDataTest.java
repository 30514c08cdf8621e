package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PerfDataTest {

    @ParameterizedTest(name = "{0} renders as {1}")
    @CsvSource({
        "0, 0", "-0.0, 0", "1, 1", "1.50, 1.5", "0.000123, 0.000123", "1e-7, 0.0000001", "1.5e9, 1500000000",
        "123456789012, 123456789012", "-42.25, -42.25", "1e21, 1000000000000000000000",
        "10, 10", "100.5, 100.5", "0.1, 0.1", "-0.00042, -0.00042", "1234567.125, 1234567.125",
        "1.25e-10, 0.000000000125", "-3e22, -30000000000000000000000", "0.006389, 0.006389", "9.99e6, 9990000",
    })
    void numbersNeverUseScientificNotation(double value, String text) {
        assertEquals(text, PerfData.number(value));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.000123, 1e-7, 1.5e9, 123.456, 1e21, -42.25, 4.9e-324, 1.7976931348623157e308, 0.006389})
    void theTextReadsBackAsTheSameNumber(double value) {
        assertEquals(value, Double.parseDouble(PerfData.number(value)));
        assertEquals(-1, PerfData.number(value).indexOf('E'));
    }

    @Test
    void nonFiniteNumbersHaveNoText() {
        assertThrows(NumberFormatException.class, () -> PerfData.number(Double.NaN));
        assertThrows(NumberFormatException.class, () -> PerfData.number(Double.POSITIVE_INFINITY));
    }

    @Test
    void rendersAllFieldsInOrder() throws UsageException {
        PerfData p = new PerfData("time", 0.0123, "s", Thresholds.parse("1", "2"), 0.0, 10.0);
        assertEquals("'time'=0.0123s;1;2;0;10", p.render());
    }

    @Test
    void dropsTrailingEmptyFieldsButKeepsInnerOnes() throws UsageException {
        assertEquals("'queue depth'=17", new PerfData("queue depth", 17, "", null, null, null).render());
        assertEquals("'time'=0.5s;;;0", new PerfData("time", 0.5, "s", null, 0.0, null).render());
        assertEquals("'age'=3s;;@10:20", new PerfData("age", 3, "s", Thresholds.parse(null, "@10:20"), null, null).render());
    }

    @ParameterizedTest
    @ValueSource(strings = {"files", "sec", "kB", "µs", "B/s"})
    void rejectsUnitsTheGuidelinesDoNotDefine(String unit) {
        assertThrows(IllegalArgumentException.class, () -> new PerfData("x", 1, unit, null, null, null));
        assertEquals("", PerfData.unitOrNone(unit));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a'b", "a=b", "a|b", " ", "a\nb"})
    void rejectsLabelsThatWouldBreakParsing(String label) {
        assertThrows(IllegalArgumentException.class, () -> new PerfData(label, 1, "", null, null, null));
        assertEquals(false, PerfData.isLabel(label));
    }

    @Test
    void rejectsNonFiniteValues() {
        assertThrows(IllegalArgumentException.class, () -> new PerfData("x", Double.NaN, "", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new PerfData("x", Double.POSITIVE_INFINITY, "", null, null, null));
    }
}
