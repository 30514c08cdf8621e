package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rfc3339 reads exactly what OffsetDateTime.parse reads, to the same instant. */
class Rfc3339Test {

    private static Instant jdk(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-25T09:00:00Z", "2026-11-25T08:58:30Z", "2026-11-25t09:00:00z", "2026-11-25T09:00Z",
        "2026-11-25T09:00:00.5+01:00", "2026-11-25T09:00:00.123456789-05:30", "2026-11-25T09:00:00.+00:00",
        "2024-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999Z", "0000-01-01T00:00Z", "-0001-12-31T23:59Z", "+10000-01-01T00:00Z", "+2026-01-01T00:00Z",
        "-0000-01-01T00:00Z", "+999999999-12-31T23:59:59.999999999-18:00", "-999999999-01-01T00:00+18:00",
        "+1000000000-01-01T00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T23:59:60Z", "2026-11-25T09:00:00+18:00:01",
        "2026-11-25T09:00:00+01:30:15", "2026-11-25T09:00:00+01:30:", "2026-11-25T09:00:00+0130", "2026-11-25T09:00:00+01",
        "2026-11-25T09:00:00.1234567891Z", "2026-11-25 09:00:00Z", "2026-11-25T09:00:00", "2026-11-25", "", "yesterday",
        " 2026-11-25T09:00:00Z", "2026-11-25T09:00:00Z ", "2026-13-01T00:00Z", "2026-04-31T00:00Z", "2026-1-01T00:00Z"})
    void agreesWithJavaTime(String text) {
        assertEquals(jdk(text), Rfc3339.parse(text), text);
    }

    @Test
    void agreesWithJavaTimeOnManyGeneratedTimestamps() {
        String[][] parts = {
            {"2026", "2024", "2100", "2000", "1900", "0000", "9999", "+2026", "+12026", "-0001", "-0000", "+00000",
                "999", "20266", "+9999999999", "+999999999", "-999999999", "-1000000000"},
            {"-", "/", ""},
            {"01", "02", "04", "12", "00", "13", "1", "-1", "+1"},
            {"-"},
            {"01", "28", "29", "30", "31", "00", "32", "1"},
            {"T", "t", " ", ""},
            {"00", "09", "23", "24", "9", "-1"},
            {":"},
            {"00", "59", "60"},
            {"", ":00", ":59", ":60", ":5", ":"},
            {"", ".", ".5", ".123456789", ".1234567891", ",5"},
            {"Z", "z", "+00:00", "-00:00", "+18:00", "+18:00:01", "-18:00", "+19:00", "+01:30:15", "+01:30:60", "+01",
                "+0130", "+01:30:", "+24:00", "+23:59", "+5:00", "+01:", "+01:5", "+01:60", "+01::15", "-18", "+19", ""},
            {"", "", "", " ", "x", "0"},
        };
        Random random = new Random(3339);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder b = new StringBuilder();
            for (String[] choices : parts) {
                b.append(choices[random.nextInt(choices.length)]);
            }
            String text = b.toString();
            assertEquals(jdk(text), Rfc3339.parse(text), text);
        }
    }
}
