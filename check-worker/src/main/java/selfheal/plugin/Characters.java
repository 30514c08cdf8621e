package selfheal.plugin;

/**
 * The one owner of what text may stand in a plugin's output: user-given text is checked here (labels, URL
 * paths, headers), and text from elsewhere (a server's bytes, a whole line) is made safe here.
 */
public final class Characters {
    private Characters() {
    }

    /** A control character: below 0x20, or DEL. */
    public static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f;
    }

    /** True when {@code text} has a control character or any of {@code others}. */
    public static boolean anyControlOr(String text, String others) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c) || others.indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A line of plugin output: '|' becomes '/' (Nagios would take the rest as perfdata), a control character
     * (C0, DEL or C1, such as NEL) or a Unicode line or paragraph separator a space (a line break would split
     * the line, and readers of the output that split as Unicode does would split at those), and the ends are
     * stripped.
     */
    public static String forOutput(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            b.append(c == '|' ? '/' : Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return b.toString().strip();
    }

    /** A server's text quoted in a message: at most {@code max} characters, all but printable ASCII as '?'. */
    public static String printable(String text, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && i < max; i++) {
            char c = text.charAt(i);
            b.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return text.length() > max ? b.append("...").toString() : b.toString();
    }

    /**
     * A server's bytes (as ISO-8859-1 characters) quoted exactly: all but printable ASCII, and '|', as
     * {@code \xNN}; cut to {@code max} characters with "..." when longer.
     */
    public static String escaped(String text, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '|') {
                b.append(c);
            } else {
                b.append("\\x").append(HEX.charAt((c >> 4) & 0xf)).append(HEX.charAt(c & 0xf));
            }
        }
        return cut(b.toString(), max);
    }

    /** Runs of white space (space, tab, line ends, form feed, vertical tab) as one space; cut to {@code max}. */
    public static String oneLine(String text, int max) {
        StringBuilder b = new StringBuilder(text.length());
        boolean inSpace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean space = c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
            if (!space) {
                b.append(c);
            } else if (!inSpace) {
                b.append(' ');
            }
            inSpace = space;
        }
        return cut(b.toString(), max);
    }

    /** {@code text}, or its first {@code max - 3} characters and "..." when it is longer than {@code max}. */
    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max - 3) + "..." : text;
    }

    private static final String HEX = "0123456789abcdef";
}
