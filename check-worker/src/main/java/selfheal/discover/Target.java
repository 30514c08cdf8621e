package selfheal.discover;

import selfheal.plugin.UsageException;

/**
 * A listener to ask: {@code HOST[:PORT]} ({@code [V6ADDRESS][:PORT]} for IPv6). Its name is what Nagios and
 * Icinga 2 call the host (host_name, and the file's name), its address what they connect to.
 */
record Target(String host, int port) {

    static Target parse(String text, int defaultPort) throws UsageException {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            if (end < 0) {
                throw new UsageException("bad listener '" + text + "': ']' missing");
            }
            host = text.substring(1, end);
            if (end + 1 < text.length()) {
                if (text.charAt(end + 1) != ':') {
                    throw new UsageException("bad listener '" + text + "': expected [ADDRESS]:PORT");
                }
                port = text.substring(end + 2);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        if (!host.matches("[A-Za-z0-9][A-Za-z0-9.:_-]{0,252}")) {
            throw new UsageException("bad listener host '" + host + "': letters, digits, '.', '-', '_' (':' in IPv6)");
        }
        int number = defaultPort;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 1 || number > 65535) {
                throw new UsageException("bad listener port in '" + text + "': not 1..65535");
            }
        }
        return new Target(host, number);
    }

    /** The host's name in object files and the file's name: ':' (IPv6) is no character for either. */
    String objectName() {
        return host.replace(':', '_');
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
