package selfheal.heal;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address as its 4 or 16 bytes, parsed from a literal by hand. java.net.InetAddress would do
 * the same, but initialising it (native library, name-service set-up, concurrent maps and VarHandles) costs a
 * fresh JVM some 2 ms on every connection, about a quarter of what the listener itself does for a ping.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) become IPv4, as with InetAddress. Names and zone ids
 * are refused: a name would make every connection wait for DNS.
 */
final class IpAddress {
    private final byte[] octets;

    private IpAddress(byte[] octets) {
        this.octets = octets;
    }

    /** From the 4 or 16 bytes of an address (e.g. of a socket's peer). */
    static IpAddress of(byte[] octets) {
        if (octets.length != 4 && octets.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + octets.length);
        }
        return new IpAddress(unmapped(octets.clone()));
    }

    /** Parses {@code 192.0.2.7}, {@code ::1}, {@code 2001:db8::7} or {@code ::ffff:192.0.2.7}. */
    static IpAddress parse(String text) {
        String s = text.strip();
        byte[] octets = s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s);
        if (octets == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
        }
        return new IpAddress(unmapped(octets));
    }

    /** 4 or 16. */
    int length() {
        return octets.length;
    }

    byte octet(int i) {
        return octets[i];
    }

    /** Four decimal groups 0-255 of 1-3 digits, or null. */
    private static byte[] ipv4(String s) {
        byte[] octets = new byte[4];
        int group = 0;
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i < s.length() && s.charAt(i) != '.') {
                continue;
            }
            String digits = s.substring(start, i);
            if (group == 4 || !Chars.isDigits(digits, 3) || Integer.parseInt(digits) > 255) {
                return null;
            }
            octets[group++] = (byte) Integer.parseInt(digits);
            start = i + 1;
        }
        return group == 4 ? octets : null;
    }

    /** Eight groups of 1-4 hex digits, at most one "::" for a run of zero groups, an IPv4 tail allowed; or null. */
    private static byte[] ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && (s.indexOf("::", gap + 1) >= 0 || s.lastIndexOf('.', gap) >= 0)) {
            return null; // two gaps, or an IPv4 part before the gap: it may only end the address
        }
        int[] head = gap < 0 ? groups(s) : gap == 0 ? new int[0] : groups(s.substring(0, gap));
        int[] tail = gap < 0 ? new int[0] : gap + 2 == s.length() ? new int[0] : groups(s.substring(gap + 2));
        if (head == null || tail == null) {
            return null;
        }
        int count = head.length + tail.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] octets = new byte[16];
        for (int i = 0; i < head.length; i++) {
            octets[2 * i] = (byte) (head[i] >> 8);
            octets[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tail.length; i++) {
            int at = 8 - tail.length + i;
            octets[2 * at] = (byte) (tail[i] >> 8);
            octets[2 * at + 1] = (byte) tail[i];
        }
        return octets;
    }

    /** Colon-separated groups of 1-4 hex digits, the last of which may be a dotted IPv4 (two groups); or null. */
    private static int[] groups(String s) {
        String[] parts = new String[9];
        int count = 0;
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == ':') {
                if (count == 8) {
                    return null;
                }
                parts[count++] = s.substring(start, i);
                start = i + 1;
            }
        }
        String last = parts[count - 1];
        byte[] v4 = last.indexOf('.') >= 0 ? ipv4(last) : null;
        if (last.indexOf('.') >= 0 && v4 == null) {
            return null;
        }
        int[] groups = new int[v4 == null ? count : count + 1];
        for (int i = 0; i < (v4 == null ? count : count - 1); i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < p.length(); j++) {
                int digit = Character.digit(p.charAt(j), 16);
                if (digit < 0) {
                    return null;
                }
                value = value * 16 + digit;
            }
            groups[i] = value;
        }
        if (v4 != null) {
            groups[count - 1] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
            groups[count] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
        }
        return groups;
    }

    /** {@code ::ffff:a.b.c.d} as a.b.c.d; anything else unchanged. */
    private static byte[] unmapped(byte[] octets) {
        if (octets.length != 16 || octets[10] != (byte) 0xff || octets[11] != (byte) 0xff) {
            return octets;
        }
        for (int i = 0; i < 10; i++) {
            if (octets[i] != 0) {
                return octets;
            }
        }
        return Arrays.copyOfRange(octets, 12, 16);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpAddress a && Arrays.equals(octets, a.octets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets);
    }

    /** As InetAddress.getHostAddress writes it: {@code 192.0.2.7}, {@code 2001:db8:0:0:0:0:0:7}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(39);
        if (octets.length == 4) {
            for (int i = 0; i < 4; i++) {
                s.append(i == 0 ? "" : ".").append(octets[i] & 0xff);
            }
            return s.toString();
        }
        for (int i = 0; i < 16; i += 2) {
            s.append(i == 0 ? "" : ":").append(Integer.toHexString((octets[i] & 0xff) << 8 | (octets[i + 1] & 0xff)));
        }
        return s.toString();
    }
}
