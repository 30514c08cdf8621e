package selfheal.listener;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * At most {@code runs} runs of one command within a sliding {@code window}, written {@code 3/15m}.
 * This is what stops an endless restart loop: beyond it the listener refuses until an operator resets it.
 */
record Budget(int runs, Duration window, String text) {
    private static final Pattern SYNTAX = Pattern.compile("([1-9][0-9]{0,3})/([1-9][0-9]{0,4})([smhd])");

    Budget {
        if (runs < 1) {
            throw new IllegalArgumentException("a budget allows at least 1 run");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a budget window must be positive");
        }
    }

    /** Parses {@code N/<number><s|m|h|d>}, for example {@code 3/15m}. */
    static Budget parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "budget '" + text + "' is not N/<number><s|m|h|d>, for example 3/15m");
        }
        long amount = Long.parseLong(m.group(2));
        Duration window = switch (m.group(3)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        return new Budget(Integer.parseInt(m.group(1)), window, m.group(1) + "/" + m.group(2) + m.group(3));
    }

    @Override
    public String toString() {
        return text;
    }
}
