package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CharactersTest {

    @ParameterizedTest(name = "''{0}'' with others ''{1}'': {2}")
    @CsvSource(delimiter = '#', quoteCharacter = '"', value = {
            "queue depth  # '=|  # false",
            "it's         # '=|  # true",
            "a=b          # '=|  # true",
            "a|b          # '=|  # true",
            "/health      # \" \" # false",
            "/he alth     # \" \" # true",
            "\"\"         # \"\"  # false",
    })
    void findsTheOthersAsked(String text, String others, boolean expected) {
        assertEquals(expected, Characters.anyControlOr(text, others));
    }

    @ParameterizedTest(name = "control character {0}")
    @CsvSource({"0", "9", "10", "13", "31", "127"})
    void alwaysFindsControlCharacters(int code) {
        assertEquals(true, Characters.anyControlOr("a" + (char) code + "b", ""));
    }
}
