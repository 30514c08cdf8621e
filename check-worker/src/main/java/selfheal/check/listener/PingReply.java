package selfheal.check.listener;

import java.util.Arrays;
import java.util.List;
import selfheal.plugin.Characters;
import selfheal.plugin.Status;

/**
 * The listener's answer to {@code ping}, judged: {@code OK pong} is OK; {@code OK pong
 * budget-exhausted=a,b} is WARNING naming a and b; anything else, including nothing, is CRITICAL.
 *
 * @param line the reply line as received, without its line end; "" for an empty reply
 */
record PingReply(String line) {

    static final String PONG = "OK pong";
    private static final String EXHAUSTED = "OK pong budget-exhausted=";

    Status status() {
        if (line.equals(PONG)) {
            return Status.OK;
        }
        return exhausted().isEmpty() ? Status.CRITICAL : Status.WARNING;
    }

    /** The commands whose restart budget is used up, from the ping reply. */
    List<String> exhausted() {
        if (!line.startsWith(EXHAUSTED)) {
            return List.of();
        }
        List<String> names = Arrays.asList(line.substring(EXHAUSTED.length()).split(",", -1));
        for (String n : names) {
            if (!isCommandName(n)) {
                return List.of();
            }
        }
        return names;
    }

    /** A command's name as the listener writes it: letters, digits, '.', '_' and '-'. */
    private static boolean isCommandName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    /** "host:5669" without its ":port". */
    private static String host(String where) {
        int colon = where.lastIndexOf(':');
        if (colon < 0 || colon == where.length() - 1) {
            return where;
        }
        for (int i = colon + 1; i < where.length(); i++) {
            if (where.charAt(i) < '0' || where.charAt(i) > '9') {
                return where;
            }
        }
        return where.substring(0, colon);
    }

    String summary(String where) {
        return switch (status()) {
            case OK -> "pong from " + where;
            case WARNING -> "restart budget exhausted for " + String.join(", ", exhausted())
                    + " (command-listener --reset NAME on " + host(where) + ")";
            default -> line.isEmpty()
                    ? "empty reply from " + where + " (refused by xinetd only_from or the listener's allow list?)"
                    : "unexpected reply from " + where + ": '" + Characters.escaped(line, 120) + "'";
        };
    }
}
