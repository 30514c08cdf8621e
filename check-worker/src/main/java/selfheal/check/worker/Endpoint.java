package selfheal.check.worker;

import java.nio.charset.StandardCharsets;
import selfheal.plugin.Characters;
import selfheal.plugin.UsageException;

/**
 * Where check_worker sends its GET, checked once at parse time. Replaces java.net.URL, whose first use
 * costs a service-loader lookup and more classes than the whole request.
 *
 * @param host a host name or IP address; an IPv6 literal without brackets: the virtual host (Host header, SNI,
 *     the name the certificate must carry)
 * @param path the path and query, starting with '/'
 * @param address what is connected to (-I), the host unless given
 * @param family the address family the connection must use (-4, -6), null for either
 */
record Endpoint(boolean tls, String host, int port, String path, String address, java.net.ProtocolFamily family) {

    Endpoint(boolean tls, String host, int port, String path) {
        this(tls, host, port, path, host, null);
    }

    /** The same endpoint, connected through {@code address} (checked as -H is) in {@code family}. */
    Endpoint via(String addressOption, java.net.ProtocolFamily family) throws UsageException {
        String literal = addressOption == null ? address : parse(tls, addressOption, port, path).host();
        return new Endpoint(tls, host, port, path, literal, family);
    }

    Endpoint {
        if (host == null || host.isEmpty() || Characters.anyControlOr(host, " /?#@[]\\\"<>{}|^`'")) {
            throw new IllegalArgumentException("bad host '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port);
        }
        if (path == null || !path.startsWith("/") || Characters.anyControlOr(path, " ")) {
            throw new IllegalArgumentException("bad path '" + path + "'");
        }
    }

    /** Validates -H (a name, an IPv4 address, or an IPv6 address with or without brackets) and -u. */
    static Endpoint parse(boolean tls, String hostOption, int port, String path) throws UsageException {
        if (!path.startsWith("/") || Characters.anyControlOr(path, " ")) {
            throw new UsageException("bad --url '" + path + "': expected a path starting with '/', without spaces");
        }
        String host = hostOption;
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                throw badHost(hostOption);
            }
        }
        if (host.indexOf(':') >= 0 ? !isIpv6Literal(host) : !isNameOrIpv4(host)) {
            throw badHost(hostOption);
        }
        return new Endpoint(tls, host, port, path);
    }

    private static UsageException badHost(String host) {
        return new UsageException("bad --hostname '" + host + "': expected a host name, an IPv4 address or an IPv6 address");
    }

    private static boolean isNameOrIpv4(String host) {
        if (host.startsWith(".") || host.startsWith("-") || host.contains("..")) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Hex digits, colons, dots (an embedded IPv4 tail) and a %zone; the resolver judges the rest. */
    private static boolean isIpv6Literal(String host) {
        int zone = host.indexOf('%');
        String address = zone < 0 ? host : host.substring(0, zone);
        if (address.length() < 2 || zone == host.length() - 1) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return false;
            }
        }
        return zone < 0 || isNameOrIpv4(host.substring(zone + 1));
    }

    /** True for a name (worth sending as SNI), false for an IP literal: only digits and dots, or a colon. */
    boolean isHostName() {
        if (host.indexOf(':') >= 0) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return true;
            }
        }
        return false;
    }

    /** The host as it appears in a URL or a Host header: an IPv6 literal in brackets. */
    String urlHost() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** "host:port", as failure messages name the peer. */
    String where() {
        return urlHost() + ":" + port;
    }

    /** The Host header's value: the port only when it is not the scheme's default (RFC 9110 7.2). */
    String hostHeader() {
        return port == (tls ? 443 : 80) ? urlHost() : where();
    }

    /** The path as a request target: non-ASCII characters percent-encoded as UTF-8. */
    String requestTarget() {
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) > 0x7e) {
                StringBuilder b = new StringBuilder();
                for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
                    if (x >= 0) {
                        b.append((char) x);
                    } else {
                        b.append('%').append(HEX.charAt((x >> 4) & 0xf)).append(HEX.charAt(x & 0xf));
                    }
                }
                return b.toString();
            }
        }
        return path;
    }

    private static final String HEX = "0123456789ABCDEF";

    /** Exactly what java.net.URL rendered before: "http://127.0.0.1:8080/health". */
    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + where() + path;
    }
}
