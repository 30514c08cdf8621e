package selfheal.check.worker;

import java.time.Instant;

/**
 * An RFC 3339 timestamp read by hand, exactly as {@code OffsetDateTime.parse} (ISO_OFFSET_DATE_TIME,
 * strict) reads it: {@code yyyy-MM-ddTHH:mm[:ss[.f...]]} and {@code Z} or {@code +HH[:MM[:SS]]}, 'T' and
 * 'Z' in either case. Not java.time.format, whose first use loads java.util.regex, five lambdas and some 110
 * classes on every --stale check of a heartbeat time (the start-up rule, selfheal.plugin's package-info).
 */
final class Rfc3339 {
    private Rfc3339() {
    }

    private static final long MAX_YEAR = 999_999_999L;
    private static final int MAX_OFFSET_SECONDS = 18 * 3600;

    /** The instant, or null when {@code text} is not such a timestamp. */
    static Instant parse(String text) {
        Cursor c = new Cursor(text);
        long year = c.year();
        if (year == Long.MIN_VALUE || !c.literal('-')) {
            return null;
        }
        int month = c.twoDigits();
        if (month < 1 || month > 12 || !c.literal('-')) {
            return null;
        }
        int day = c.twoDigits();
        if (day < 1 || day > monthLength(year, month) || !c.literalIgnoringCase('T')) {
            return null;
        }
        int hour = c.twoDigits();
        if (hour < 0 || hour > 23 || !c.literal(':')) {
            return null;
        }
        int minute = c.twoDigits();
        if (minute < 0 || minute > 59) {
            return null;
        }
        int second = 0;
        int nanos = 0;
        if (c.literal(':')) {
            second = c.twoDigits();
            if (second < 0 || second > 59) {
                return null;
            }
            if (c.literal('.')) {
                int digits = 0;
                while (digits < 9 && c.digitAhead()) {
                    nanos = nanos * 10 + c.next() - '0';
                    digits++;
                }
                for (int i = digits; i < 9; i++) {
                    nanos *= 10;
                }
            }
        }
        int offset = c.offset();
        if (offset == Integer.MIN_VALUE || !c.atEnd()) {
            return null;
        }
        long epochSecond = epochDay(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    private static boolean isLeap(long year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static int monthLength(long year, int month) {
        return month == 2 ? (isLeap(year) ? 29 : 28) : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
    private static long epochDay(long year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    private static final class Cursor {
        private final String text;
        private int at;

        Cursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return at == text.length();
        }

        boolean digitAhead() {
            return at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9';
        }

        char next() {
            return text.charAt(at++);
        }

        boolean literal(char expected) {
            if (at < text.length() && text.charAt(at) == expected) {
                at++;
                return true;
            }
            return false;
        }

        boolean literalIgnoringCase(char expected) {
            return literal(expected) || literal(Character.toLowerCase(expected));
        }

        /** Two digits as a number, or -1. */
        int twoDigits() {
            if (!digitAhead()) {
                return -1;
            }
            int tens = next() - '0';
            if (!digitAhead()) {
                return -1;
            }
            return tens * 10 + next() - '0';
        }

        /** ':' and two digits up to 59 as a number, or -1 with nothing read (what follows is left to refuse). */
        int colonAndTwoDigits() {
            int mark = at;
            if (literal(':')) {
                int value = twoDigits();
                if (value >= 0 && value <= 59) {
                    return value;
                }
            }
            at = mark;
            return -1;
        }

        /**
         * Four digits; or '+' and five to ten; or '-' and four to ten, not all zero; at most 999999999 either
         * way. Long.MIN_VALUE when not.
         */
        long year() {
            boolean plus = literal('+');
            boolean minus = !plus && literal('-');
            long value = 0;
            int digits = 0;
            while (digits < 10 && digitAhead()) {
                value = value * 10 + next() - '0';
                digits++;
            }
            boolean ok = plus ? digits > 4 : minus ? digits >= 4 && value != 0 : digits == 4;
            if (!ok || value > MAX_YEAR) {
                return Long.MIN_VALUE;
            }
            return minus ? -value : value;
        }

        /** 'Z' (either case) or a sign, HH and optionally :MM and :SS, as seconds east; Integer.MIN_VALUE when not. */
        int offset() {
            if (literalIgnoringCase('Z')) {
                return 0;
            }
            int sign = literal('+') ? 1 : literal('-') ? -1 : 0;
            if (sign == 0) {
                return Integer.MIN_VALUE;
            }
            int hours = twoDigits();
            if (hours < 0 || hours > 23) {
                return Integer.MIN_VALUE;
            }
            int minutes = colonAndTwoDigits();
            int seconds = minutes < 0 ? -1 : colonAndTwoDigits();
            int total = hours * 3600 + Math.max(0, minutes) * 60 + Math.max(0, seconds);
            return total > MAX_OFFSET_SECONDS ? Integer.MIN_VALUE : sign * total;
        }
    }
}
