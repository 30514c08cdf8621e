package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RangeTest {

    /** The guideline examples (definitions/01.range_expressions.md), probed at and around each end. */
    @ParameterizedTest(name = "range {0} alerts on {1}: {2}")
    @CsvSource({
        // 10: alert if < 0 or > 10
        "10, -1, true", "10, -0.001, true", "10, 0, false", "10, 5, false", "10, 10, false", "10, 10.001, true", "10, 11, true",
        // 10: alert if < 10
        "10:, 9.999, true", "10:, 10, false", "10:, 1e12, false", "10:, -10, true",
        // ~:10 alert if > 10
        "~:10, -1e12, false", "~:10, 10, false", "~:10, 10.5, true",
        // 10:20 alert if < 10 or > 20
        "10:20, 9, true", "10:20, 10, false", "10:20, 15, false", "10:20, 20, false", "10:20, 21, true",
        // @10:20 alert if >= 10 and <= 20
        "@10:20, 9.99, false", "@10:20, 10, true", "@10:20, 15, true", "@10:20, 20, true", "@10:20, 20.01, false",
        // decimals, negatives, explicit signs, infinity on both sides
        "0.5:1.5, 0.4, true", "0.5:1.5, 1.5, false", ".5, 0.5, false", ".5, 0.6, true",
        "-10:-5, -11, true", "-10:-5, -7, false", "-10:-5, -4, true", "+3, 3, false",
        "@~:0, -1, true", "@~:0, 0, true", "@~:0, 0.1, false", "~:, -1e300, false", "@0, 0, true", "@0, 0.0001, false",
        "@10, 5, true", "@10, 11, false",
    })
    void alertsExactlyAsTheGuidelinesSay(String text, double value, boolean alerts) throws UsageException {
        assertEquals(alerts, Range.parse(text).alerts(value));
    }

    @ParameterizedTest(name = "''{0}'' parses to start {1} end {2} inside {3}")
    @CsvSource({
        "10, 0, 10, false",
        "10:, 10, Infinity, false",
        "~:10, -Infinity, 10, false",
        "10:20, 10, 20, false",
        "@10:20, 10, 20, true",
        "' 5 ', 0, 5, false",
        "-3.25:-1, -3.25, -1, false",
    })
    void parsesEnds(String text, double start, double end, boolean inside) throws UsageException {
        Range r = Range.parse(text);
        assertEquals(start, r.start());
        assertEquals(end, r.end());
        assertEquals(inside, r.inside());
    }

    @ParameterizedTest(name = "''{0}'' is a usage error")
    @ValueSource(strings = {"", " ", "@", ":", "abc", "10:5", "1e3", "10::20", "~", "~:~", "10:20:30", "@@10", "1 0", "10;20", "x10", "0x10", "NaN", "Infinity"})
    void rejectsMalformedRangesNamingThem(String text) {
        UsageException e = assertThrows(UsageException.class, () -> Range.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"20:10", "@5:-5", "-1:-2"})
    void startGreaterThanEndIsAUsageError(String text) {
        UsageException e = assertThrows(UsageException.class, () -> Range.parse(text));
        assertEquals("bad range '" + text + "': start is greater than end", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "10:", "~:10", "@10:20", "0.5"})
    void keepsTheTextForPerfdata(String text) throws UsageException {
        assertEquals(text, Range.parse(text).text());
    }

    /** The grammar as the regular expression it used to be parsed with; here only, never on the check path. */
    private static final java.util.regex.Pattern GRAMMAR = java.util.regex.Pattern.compile(
            "(@)?(?:(~|[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))?:)?([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))?");

    @org.junit.jupiter.api.Test
    void acceptsExactlyWhatTheGrammarsRegularExpressionDoes() {
        String alphabet = "@~:-+.1 ";
        int checked = 0;
        for (int length = 0; length <= 6; length++) {
            int[] digits = new int[length];
            while (true) {
                StringBuilder b = new StringBuilder();
                for (int d : digits) {
                    b.append(alphabet.charAt(d));
                }
                String text = b.toString();
                java.util.regex.Matcher m = GRAMMAR.matcher(text.trim());
                boolean valid = m.matches() && (m.group(2) != null || m.group(3) != null);
                double start = !valid || m.group(2) == null ? 0 : m.group(2).equals("~") ? Double.NEGATIVE_INFINITY : Double.parseDouble(m.group(2));
                double end = !valid || m.group(3) == null ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(3));
                valid &= start <= end;
                Range r = null;
                try {
                    r = Range.parse(text);
                } catch (UsageException e) {
                    // r stays null
                }
                assertEquals(valid, r != null, "'" + text + "'");
                if (valid) {
                    assertEquals(m.group(1) != null, r.inside(), text);
                    assertEquals(start, r.start(), text);
                    assertEquals(end, r.end(), text);
                }
                checked++;
                int i = length - 1;
                while (i >= 0 && ++digits[i] == alphabet.length()) {
                    digits[i--] = 0;
                }
                if (i < 0) {
                    break;
                }
            }
        }
        assertEquals(299_593, checked);
    }
}
