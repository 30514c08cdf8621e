package selfheal.status;

import java.math.BigDecimal;

/** The two JSON literals the endpoint writes by hand: strings and numbers. Output only, so no parser. */
final class JsonLiterals {
    private JsonLiterals() {
    }

    /** {@code text} as a JSON string literal, quotes included (RFC 8259 section 7). */
    static String string(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A finite number in plain decimal notation: never an exponent, which some monitors mis-read. */
    static String number(Number value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(value.doubleValue()).toPlainString();
        }
        return value.toString();
    }
}
