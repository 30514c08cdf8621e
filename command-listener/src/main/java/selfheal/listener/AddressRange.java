package selfheal.listener;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** One entry of the {@code allow} list: an IPv4 or IPv6 address, optionally with a CIDR prefix length. */
record AddressRange(InetAddress network, int prefixLength) {
    AddressRange {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length /" + prefixLength + " is out of 0.." + bits);
        }
    }

    /** Parses {@code 192.0.2.7}, {@code 192.0.2.0/24}, {@code ::1} or {@code 2001:db8::/32}; never asks DNS. */
    static AddressRange parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        InetAddress address = parseAddress(slash < 0 ? s : s.substring(0, slash));
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            return new AddressRange(address, bits);
        }
        String length = s.substring(slash + 1);
        if (!Chars.isDigits(length, 3)) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length after '/'");
        }
        return new AddressRange(address, Integer.parseInt(length));
    }

    /**
     * Parses an IP address literal. Names are refused (a host name in an allow list would make every
     * connection wait for DNS). IPv4-mapped IPv6 addresses come back as IPv4.
     */
    static InetAddress parseAddress(String text) {
        String s = text.strip();
        if (!isIpv4Literal(s) && !isIpv6Literal(s)) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address", e);
        }
    }

    /** Four groups of 1-3 digits separated by dots; InetAddress checks the values. */
    private static boolean isIpv4Literal(String s) {
        String[] groups = s.split("\\.", -1);
        if (groups.length != 4) {
            return false;
        }
        for (String group : groups) {
            if (!Chars.isDigits(group, 3)) {
                return false;
            }
        }
        return true;
    }

    /** Hex digits, colons and (for an embedded IPv4) dots, with at least one colon; no zone id. */
    private static boolean isIpv6Literal(String s) {
        if (s.indexOf(':') < 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return false;
            }
        }
        return true;
    }

    boolean contains(InetAddress address) {
        byte[] net = network.getAddress();
        byte[] candidate = address.getAddress();
        if (net.length != candidate.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (net[i] != candidate[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (net[full] & mask) == (candidate[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
