package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The request line as a client can send it: any bytes. The ordinary test run replays the seeds in
 * src/test/resources/selfheal/heal/RequestFuzzTestInputs; {@code scripts/fuzz} fuzzes each target.
 */
class RequestFuzzTest {

    /** The protocol's word, written independently of {@link Chars}: what a script may ever receive. */
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    /**
     * Request.parse returns a request whose command and arguments are protocol words (no control, non-ASCII,
     * shell or space characters, never a leading '-' or '.'), at most MAX_WORDS of them, exactly the line's
     * space-separated words; or it throws Malformed, and only for a line that breaks one of those rules.
     */
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void parseReturnsProtocolWordsOrMalformed(byte[] line) {
        List<String> expected = wordsIfWellFormed(line);
        Request request;
        try {
            request = Request.parse(line);
        } catch (Request.Malformed e) {
            assertEquals(null, expected, "refused a well-formed line: " + e.getMessage());
            assertFalse(e.getMessage().isEmpty());
            return;
        }
        assertTrue(expected != null, "accepted a malformed line as " + request);
        assertTrue(WORD.matcher(request.command()).matches(), request.command());
        for (String arg : request.args()) {
            assertTrue(WORD.matcher(arg).matches(), arg);
        }
        List<String> words = new ArrayList<>();
        words.add(request.command());
        words.addAll(request.args());
        assertEquals(expected, words);
    }

    /** The line's words when every byte is printable ASCII and every word is a protocol word, else null. */
    private static List<String> wordsIfWellFormed(byte[] line) {
        for (byte b : line) {
            if (b < 0x20 || b > 0x7e) {
                return null;
            }
        }
        List<String> words = new ArrayList<>();
        for (String word : new String(line, StandardCharsets.US_ASCII).split(" ")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        if (words.isEmpty() || words.size() > Request.MAX_WORDS) {
            return null;
        }
        for (String word : words) {
            if (!WORD.matcher(word).matches()) {
                return null;
            }
        }
        return words;
    }

    /**
     * LineReader.readLine on any bytes, arriving in chunks of any size (1 + the first byte's value): the first
     * line without its CR LF when it is at most MAX_LINE bytes, TooLong when it is longer; never more than
     * MAX_LINE bytes, never a timeout for bytes that are all there.
     */
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void readLineReturnsTheFirstLineWithinTheLimit(byte[] bytes) throws IOException {
        int chunk = bytes.length == 0 ? 1 : (bytes[0] & 0xff) + 1;
        byte[] expected = firstLine(bytes);
        byte[] line;
        try {
            line = LineReader.readLine(new Chunked(bytes, chunk), Duration.ofSeconds(5));
        } catch (LineReader.TooLong e) {
            assertTrue(expected.length > LineReader.MAX_LINE, "TooLong for a line of " + expected.length + " bytes");
            assertTrue(e.received().length > LineReader.MAX_LINE);
            return;
        } catch (LineReader.Timeout e) {
            fail("timed out on bytes that were all there: " + e.getMessage());
            return;
        }
        assertTrue(line.length <= LineReader.MAX_LINE, line.length + " bytes");
        assertArrayEquals(expected, line);
    }

    /** Up to the first LF (or all), without one CR before it. */
    private static byte[] firstLine(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != '\n') {
            end++;
        }
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }

    /** All bytes available at once, but each read returns at most {@code chunk} of them, as a socket may. */
    private static final class Chunked extends InputStream {
        private final ByteArrayInputStream in;
        private final int chunk;

        Chunked(byte[] bytes, int chunk) {
            this.in = new ByteArrayInputStream(bytes);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, chunk));
        }

        @Override
        public int available() {
            return in.available();
        }
    }
}
