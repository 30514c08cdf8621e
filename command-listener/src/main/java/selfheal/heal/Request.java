package selfheal.heal;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A request line, checked byte by byte before anything looks at its meaning: a command name and at most a
 * few words, each of letters, digits, '.', '_' and '-'. Control characters, non-ASCII bytes and every
 * shell metacharacter are refused here, so nothing later ever sees them.
 */
record Request(String command, List<String> args) {
    static final int MAX_WORDS = 4;

    Request {
        args = List.copyOf(args);
    }

    /** Thrown for a line that is not a well-formed request; the message goes to the audit log only. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    static Request parse(byte[] line) throws Malformed {
        for (byte b : line) {
            int c = b & 0xff;
            if (c == 0) {
                throw new Malformed("NUL byte");
            }
            if (c < 0x20 || c == 0x7f) {
                throw new Malformed("control character 0x" + Integer.toHexString(c));
            }
            if (c > 0x7f) {
                throw new Malformed("non-ASCII byte 0x" + Integer.toHexString(c));
            }
        }
        String text = new String(line, StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
            throw new Malformed("empty line");
        }
        List<String> words = Chars.split(text, " ");
        if (words.size() > MAX_WORDS) {
            throw new Malformed(words.size() + " words, at most " + MAX_WORDS);
        }
        for (String word : words) {
            if (!Chars.isWord(word)) {
                throw new Malformed("word '" + word + "' has a character outside [A-Za-z0-9._-] or starts with '-'/'.'");
            }
        }
        return new Request(words.get(0), words.subList(1, words.size()));
    }
}
