package selfheal.heal;

import java.util.ArrayList;
import java.util.List;

/**
 * The few character rules of the protocol and the config, by hand. java.util.regex builds its character
 * classes from lambdas, which makes a fresh JVM generate bytecode: more than the whole of a ping otherwise.
 */
final class Chars {
    private Chars() {
    }

    /** Command and group names: {@code [A-Za-z0-9][A-Za-z0-9_-]{0,63}}. */
    static boolean isName(String s) {
        return s.length() >= 1 && s.length() <= 64 && isAlnum(s.charAt(0)) && allOf(s, "_-");
    }

    /** Request words: {@code [A-Za-z0-9_][A-Za-z0-9._-]{0,127}}; never start with '-' or '.'. */
    static boolean isWord(String s) {
        return s.length() >= 1 && s.length() <= 128 && (isAlnum(s.charAt(0)) || s.charAt(0) == '_')
                && allOf(s, "._-");
    }

    /** 1 to {@code max} ASCII digits. */
    static boolean isDigits(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Splits on any run of the given separators (and whitespace), dropping empty pieces. */
    static List<String> split(String s, String separators) {
        List<String> parts = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= s.length(); i++) {
            boolean separator = i == s.length() || Character.isWhitespace(s.charAt(i))
                    || separators.indexOf(s.charAt(i)) >= 0;
            if (separator && start >= 0) {
                parts.add(s.substring(start, i));
                start = -1;
            } else if (!separator && start < 0) {
                start = i;
            }
        }
        return parts;
    }

    private static boolean allOf(String s, String extra) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAlnum(c) && extra.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
