package selfheal.heal;

import java.time.Duration;

/**
 * At most {@code runs} runs of one command within a sliding {@code window}, written {@code 3/15m}.
 * This is what stops an endless restart loop: beyond it the listener refuses until an operator resets it.
 */
record Budget(int runs, Duration window, String text) {
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
        String s = text.strip();
        int slash = s.indexOf('/');
        String runs = slash < 0 ? "" : s.substring(0, slash);
        String amountText = slash < 0 || s.length() < slash + 3 ? "" : s.substring(slash + 1, s.length() - 1);
        String unit = s.isEmpty() ? "" : s.substring(s.length() - 1);
        if (!Chars.isDigits(runs, 4) || runs.startsWith("0") || !Chars.isDigits(amountText, 5)
                || amountText.startsWith("0") || !"smhd".contains(unit) || unit.isEmpty()) {
            throw new IllegalArgumentException(
                    "budget '" + text + "' is not N/<number><s|m|h|d>, for example 3/15m");
        }
        long amount = Long.parseLong(amountText);
        Duration window = switch (unit) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        return new Budget(Integer.parseInt(runs), window, runs + "/" + amountText + unit);
    }

    @Override
    public String toString() {
        return text;
    }
}
