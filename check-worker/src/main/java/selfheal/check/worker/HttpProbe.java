package selfheal.check.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import selfheal.plugin.Deadline;

/**
 * One GET over a plain java.net.Socket (HttpURLConnection drags in a URL handler lookup, net.properties,
 * the logging and security bootstraps and caches, all paid on every check), bounded as a whole by one
 * deadline: the name lookup, connect, TLS handshake, headers and a slowly trickled body all count against
 * it (Deadline.run); when it passes, the caller gets TIMEOUT.
 */
final class HttpProbe {

    /** Bodies beyond this are refused: a status document is a few KiB. */
    static final int MAX_BODY = 1024 * 1024;

    static final String ACCEPT = "application/health+json, application/json;q=0.9, text/plain;q=0.5, */*;q=0.1";

    private final SSLSocketFactory tlsFactory;
    private final Executor threads;

    /**
     * @param tlsFactory trust for https, or null for the JDK's default trust store
     * @param threads where the request runs under its deadline; null for a thread of its own
     */
    HttpProbe(SSLSocketFactory tlsFactory, Executor threads) {
        this.tlsFactory = tlsFactory;
        this.threads = threads;
    }

    HttpProbe(SSLSocketFactory tlsFactory) {
        this(tlsFactory, null);
    }

    HttpResponse get(Endpoint endpoint, List<Map.Entry<String, String>> headers, Duration timeout) throws ProbeFailure {
        return get(endpoint, headers, timeout, false);
    }

    /**
     * One GET, or with {@code follow} as many as the redirects it meets (at most {@link #MAX_REDIRECTS}), all
     * within the one deadline.
     */
    HttpResponse get(Endpoint endpoint, List<Map.Entry<String, String>> headers, Duration timeout, boolean follow)
            throws ProbeFailure {
        Deadline deadline = Deadline.after(timeout);
        Endpoint at = endpoint;
        for (int redirects = 0; ; redirects++) {
            HttpResponse response = once(at, headers, deadline);
            if (!follow || !response.isRedirect()) {
                return response;
            }
            if (redirects == MAX_REDIRECTS) {
                throw new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "more than " + MAX_REDIRECTS + " redirects, the last to "
                        + selfheal.plugin.Characters.printable(response.location(), 200));
            }
            at = redirected(at, response.location());
        }
    }

    /** A URI's path and query as a request target; "/" for an empty path. */
    private static String requestTarget(java.net.URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** check_http's default --max-redirs. */
    static final int MAX_REDIRECTS = 15;

    private HttpResponse once(Endpoint endpoint, List<Map.Entry<String, String>> headers, Deadline deadline) throws ProbeFailure {
        byte[] request = request(endpoint, headers);
        try {
            return deadline.run(threads, "check_worker-request", new Socket(Proxy.NO_PROXY) /* direct */, new Deadline.Task<HttpResponse>() {
                @Override
                public HttpResponse run(Socket socket, Deadline d) throws Exception {
                    return exchange(endpoint, request, socket, d);
                }
            });
        } catch (Exception | Error e) { // every failure of the request becomes a state, as before
            throw classify(e, endpoint, deadline);
        }
    }

    /** Where a Location sends the next request: an absolute http(s) URL, or a path on the same endpoint. */
    static Endpoint redirected(Endpoint from, String location) throws ProbeFailure {
        try {
            java.net.URI uri = new java.net.URI(location);
            String scheme = uri.getScheme();
            if (scheme == null) {
                java.net.URI base = new java.net.URI(from.tls() ? "https" : "http", null, "h", 1, "/", null, null)
                        .resolve(from.requestTarget());
                return new Endpoint(from.tls(), from.host(), from.port(), requestTarget(base.resolve(uri)), from.address(),
                        from.family());
            }
            boolean tls = scheme.equalsIgnoreCase("https");
            if (!tls && !scheme.equalsIgnoreCase("http") || uri.getHost() == null) {
                throw new java.net.URISyntaxException(location, "not an http(s) URL");
            }
            Endpoint next = Endpoint.parse(tls, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80,
                    requestTarget(uri));
            return new Endpoint(next.tls(), next.host(), next.port(), next.path(), next.host(), from.family());
        } catch (java.net.URISyntaxException | selfheal.plugin.UsageException | IllegalArgumentException e) {
            throw new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "cannot follow the redirect to '"
                    + selfheal.plugin.Characters.printable(location, 200) + "'");
        }
    }

    /**
     * The request's bytes. Defaults first; a header given with -k or -a replaces an earlier one of the same
     * name (case-insensitively) in place, as HttpURLConnection's setRequestProperty did; -k Host works.
     */
    static byte[] request(Endpoint endpoint, List<Map.Entry<String, String>> headers) {
        List<String> names = new ArrayList<>(List.of("Host", "Accept", "User-Agent", "Connection"));
        List<String> values = new ArrayList<>(List.of(endpoint.hostHeader(), ACCEPT, "check_worker", "close"));
        for (Map.Entry<String, String> h : headers) {
            int i = 0;
            while (i < names.size() && !names.get(i).equalsIgnoreCase(h.getKey())) {
                i++;
            }
            if (i == names.size()) {
                names.add(h.getKey());
                values.add(h.getValue());
            } else {
                names.set(i, h.getKey());
                values.set(i, h.getValue());
            }
        }
        StringBuilder b = new StringBuilder(256);
        b.append("GET ").append(endpoint.requestTarget()).append(" HTTP/1.1\r\n");
        for (int i = 0; i < names.size(); i++) {
            b.append(names.get(i)).append(": ").append(values.get(i)).append("\r\n");
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse exchange(Endpoint endpoint, byte[] request, Socket socket, Deadline deadline)
            throws IOException, ProbeFailure, NoSuchAlgorithmException {
        long start = System.nanoTime(); // from here on it is the request itself: lookup, connect, send, receive
        socket.connect(new InetSocketAddress(resolve(endpoint), endpoint.port()), deadline.millisLeft());
        // Each write is a whole message (the request, a TLS handshake flight): Nagle's algorithm would hold
        // one back until the last is acknowledged, which a server's delayed ACK makes 40 ms in a handshake.
        socket.setTcpNoDelay(true);
        Socket channel = socket;
        java.time.Instant expiry = null;
        if (endpoint.tls()) {
            SSLSocket tls = handshake(endpoint, socket, deadline);
            expiry = ((java.security.cert.X509Certificate) tls.getSession().getPeerCertificates()[0]).getNotAfter().toInstant();
            channel = tls;
        }
        OutputStream out = channel.getOutputStream();
        out.write(request);
        out.flush();
        HttpResponse response = new ResponseReader(channel.getInputStream(), channel, deadline).read(start);
        return expiry == null ? response : response.withCertificateExpiry(expiry);
    }

    /** The address to connect to: the DNS lookup, limited to the family -4 or -6 asked for. */
    private static java.net.InetAddress resolve(Endpoint endpoint) throws UnknownHostException {
        if (endpoint.family() == null) {
            InetSocketAddress address = new InetSocketAddress(endpoint.address(), endpoint.port());
            if (address.isUnresolved()) {
                throw new UnknownHostException(endpoint.address());
            }
            return address.getAddress();
        }
        boolean v6 = endpoint.family() == java.net.StandardProtocolFamily.INET6;
        for (java.net.InetAddress candidate : java.net.InetAddress.getAllByName(endpoint.address())) {
            if (candidate instanceof java.net.Inet6Address == v6) {
                return candidate;
            }
        }
        throw new WrongFamily(endpoint.address() + " has no " + (v6 ? "IPv6" : "IPv4") + " address");
    }

    /** -4 or -6 asked for a family the host has no address in. */
    private static final class WrongFamily extends UnknownHostException {
        WrongFamily(String message) {
            super(message);
        }
    }

    /**
     * TLS as safe as HttpsURLConnection: host-name verification in the handshake, and SNI for every -H
     * that is a name (HttpsURLConnection sent it only for dotted names, so never for "localhost").
     */
    private SSLSocket handshake(Endpoint endpoint, Socket socket, Deadline deadline) throws IOException, NoSuchAlgorithmException {
        SSLSocketFactory factory = tlsFactory != null ? tlsFactory : SSLContext.getDefault().getSocketFactory();
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, endpoint.host(), endpoint.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (endpoint.isHostName()) {
            String name = endpoint.host().endsWith(".") ? endpoint.host().substring(0, endpoint.host().length() - 1) : endpoint.host();
            try {
                parameters.setServerNames(List.of(new SNIHostName(name)));
            } catch (IllegalArgumentException e) {
                // not a valid SNI name (e.g. an underscore): sent without SNI; the certificate is still verified
            }
        }
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(deadline.millisLeft());
        tls.startHandshake();
        return tls;
    }

    static ProbeFailure tooLarge() {
        return new ProbeFailure(ProbeFailure.Kind.TOO_LARGE, "response body larger than " + MAX_BODY + " bytes");
    }

    private static ProbeFailure classify(Throwable cause, Endpoint endpoint, Deadline deadline) {
        String where = endpoint.where();
        if (cause instanceof ProbeFailure f) {
            return f;
        }
        if (cause instanceof SocketTimeoutException) {
            return new ProbeFailure(ProbeFailure.Kind.TIMEOUT, deadline.timedOut());
        }
        if (cause instanceof WrongFamily) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, cause.getMessage());
        }
        if (cause instanceof UnknownHostException) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "cannot resolve host name " + endpoint.address());
        }
        if (cause instanceof ConnectException) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "connection refused by " + where);
        }
        if (cause instanceof NoRouteToHostException) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "no route to " + where);
        }
        if (cause instanceof SSLException) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "TLS failure with " + where + ": " + rootMessage(cause));
        }
        if (cause instanceof ProtocolException) { // a malformed or cut-short response: our own wording
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "request to " + where + " failed: " + cause.getMessage());
        }
        return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE,
                "request to " + where + " failed: " + selfheal.plugin.Plugin.describe(cause));
    }

    /** The innermost message, which names the real TLS problem (e.g. an untrusted certificate). */
    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }
}
