package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
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

    @Test
    void outputHasNoBarNorLineBreak() {
        assertEquals("a/b", Characters.forOutput("a|b"));
        assertEquals("a b", Characters.forOutput(" a\tb "));
        assertEquals("x  y", Characters.forOutput("x\r\ny\n"));
        assertEquals("\u00e9t\u00e9", Characters.forOutput("\u00e9t\u00e9"));
        assertEquals("a b c d", Characters.forOutput("a\u0085b\u2028c\u009bd"));
    }

    @Test
    void printableQuotesServerTextWithQuestionMarksAndCutsIt() {
        assertEquals("HTTP/1.1 ?? ok|", Characters.printable("HTTP/1.1 \u0001\u00ff ok|", 80));
        assertEquals("abc...", Characters.printable("abcdef", 3));
        assertEquals("abc", Characters.printable("abc", 3));
    }

    @Test
    void escapedShowsEveryByteAndCutsTheWhole() {
        assertEquals("A\\x00\\xff\\x7cx\\x0d", Characters.escaped("A\u0000\u00ff|x\r", 120));
        assertEquals("ab...", Characters.escaped("abcdef", 5));
        assertEquals("abcde", Characters.escaped("abcde", 5));
    }

    @Test
    void oneLineFoldsWhiteSpaceRunsAndCuts() {
        assertEquals(" a b c d ", Characters.oneLine(" a \t\n b\u000Bc\fd\r\n", 200));
        assertEquals("a\u00a0b", Characters.oneLine("a\u00a0b", 200));
        assertEquals("x".repeat(197) + "...", Characters.oneLine("x".repeat(201), 200));
        assertEquals("x".repeat(200), Characters.oneLine("x".repeat(200), 200));
    }
}
