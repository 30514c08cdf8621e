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
        Deadline deadline = Deadline.after(timeout);
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
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port()); // the DNS lookup
        if (address.isUnresolved()) {
            throw new UnknownHostException(endpoint.host());
        }
        socket.connect(address, deadline.millisLeft());
        // Each write is a whole message (the request, a TLS handshake flight): Nagle's algorithm would hold
        // one back until the last is acknowledged, which a server's delayed ACK makes 40 ms in a handshake.
        socket.setTcpNoDelay(true);
        Socket channel = socket;
        if (endpoint.tls()) {
            channel = handshake(endpoint, socket, deadline);
        }
        OutputStream out = channel.getOutputStream();
        out.write(request);
        out.flush();
        return new ResponseReader(channel.getInputStream(), channel, deadline).read(start);
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
        if (cause instanceof UnknownHostException) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "cannot resolve host name " + endpoint.host());
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
