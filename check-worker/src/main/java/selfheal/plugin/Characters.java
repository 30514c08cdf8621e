package selfheal.plugin;

/** Checks on user-given text (labels, URL paths, headers). Loops, not streams: they run in every check. */
public final class Characters {
    private Characters() {
    }

    /** True when {@code text} has a control character (below 0x20, or DEL) or any of {@code others}. */
    public static boolean anyControlOr(String text, String others) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || others.indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }
}
