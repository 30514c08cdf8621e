package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.grack.nanojson.JsonParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import selfheal.plugin.UsageException;

/** The RFC 6901 examples (section 5), plus misses. */
class JsonPointerTest {

    static final String DOC = """
            {"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\\\j": 5,
             "k\\"l": 6, " ": 7, "m~n": 8, "checks": {"queue:depth": [{"observedValue": 17}]}}""";

    @ParameterizedTest(name = "''{0}'' selects {1}")
    @CsvSource(nullValues = "null", value = {
        "/foo/0, bar", "/foo/1, baz", "/, 0", "/a~1b, 1", "/c%d, 2", "/e^f, 3", "/g|h, 4", "/i\\j, 5",
        "/k\"l, 6", "'/ ', 7", "/m~0n, 8", "/checks/queue:depth/0/observedValue, 17",
        "/foo/2, null", "/foo/01, null", "/foo/-, null", "/nope, null", "/foo/0/x, null",
    })
    void resolvesAsTheRfcSays(String pointer, String expected) throws Exception {
        Object value = JsonPointer.parse(pointer).resolve(JsonParser.any().from(DOC));
        assertEquals(expected, value == null ? null : String.valueOf(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "/a~2b", "/a~"})
    void malformedPointersAreUsageErrors(String pointer) {
        assertThrows(UsageException.class, () -> JsonPointer.parse(pointer));
    }
}
