package selfheal.heal;

/** One entry of the {@code allow} list: an IPv4 or IPv6 address, optionally with a CIDR prefix length. */
record AddressRange(IpAddress network, int prefixLength) {
    AddressRange {
        int bits = network.length() * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length /" + prefixLength + " is out of 0.." + bits);
        }
    }

    /** Parses {@code 192.0.2.7}, {@code 192.0.2.0/24}, {@code ::1} or {@code 2001:db8::/32}; never asks DNS. */
    static AddressRange parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        IpAddress address = IpAddress.parse(slash < 0 ? s : s.substring(0, slash));
        int bits = address.length() * 8;
        if (slash < 0) {
            return new AddressRange(address, bits);
        }
        String length = s.substring(slash + 1);
        if (!Chars.isDigits(length, 3)) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length after '/'");
        }
        return new AddressRange(address, Integer.parseInt(length));
    }

    boolean contains(IpAddress address) {
        if (network.length() != address.length()) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (network.octet(i) != address.octet(i)) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (network.octet(full) & mask) == (address.octet(full) & mask);
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
