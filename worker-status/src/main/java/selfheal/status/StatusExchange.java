package selfheal.status;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One request of {@link StatusServer}, as the {@link HttpExchange} that filters and the handler see. The request
 * head is complete before the exchange exists, and the answer is collected in memory: handlers and filters never
 * wait on the client, and the server writes the answer, under its deadline, once the exchange is closed.
 */
final class StatusExchange extends HttpExchange {
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private final RequestHead head;
    private final HttpContext context;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final Headers responseHeaders = new Headers();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
    private final Map<String, Object> attributes = new HashMap<>();
    private InputStream in = InputStream.nullInputStream();
    private OutputStream out = body;
    private int code = -1;
    private long announced;

    StatusExchange(RequestHead head, HttpContext context, InetSocketAddress local, InetSocketAddress remote) {
        this.head = head;
        this.context = context;
        this.local = local;
        this.remote = remote;
    }

    /** The whole answer as it goes on the wire, or {@code null} when the handler sent none. */
    byte[] answer(boolean keepAlive) {
        if (code < 0) {
            return null;
        }
        boolean isHead = head.method().equals("HEAD");
        byte[] content = isHead || announced == -1 ? new byte[0] : body.toByteArray();
        Headers headers = new Headers();
        headers.putAll(responseHeaders);
        headers.set("Date", HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
        if (isHead ? announced > 0 : code != 204 && code != 304) {
            headers.set("Content-Length", String.valueOf(isHead ? announced : content.length));
        }
        if (!keepAlive) {
            headers.set("Connection", "close");
        }
        return format(code, headers, content);
    }

    /** A plain-text answer after which the connection closes, for a request that never became an exchange. */
    static byte[] refusal(int code, String text) {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        Headers headers = new Headers();
        headers.set("Content-Type", "text/plain; charset=utf-8");
        headers.set("Content-Length", String.valueOf(content.length));
        headers.set("Connection", "close");
        return format(code, headers, content);
    }

    private static byte[] format(int code, Headers headers, byte[] content) {
        StringBuilder text = new StringBuilder(256).append("HTTP/1.1 ").append(code).append(' ')
                .append(reason(code)).append("\r\n");
        headers.forEach((name, values) -> values.forEach(v -> text.append(name).append(": ").append(v).append("\r\n")));
        byte[] start = text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] wire = new byte[start.length + content.length];
        System.arraycopy(start, 0, wire, 0, start.length);
        System.arraycopy(content, 0, wire, start.length, content.length);
        return wire;
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }

    @Override
    public Headers getRequestHeaders() {
        return head.headers();
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return head.uri();
    }

    @Override
    public String getRequestMethod() {
        return head.method();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    /** Nothing to do: the server writes the answer once the filters and the handler have returned. */
    @Override
    public void close() {
    }

    /** Always empty: the endpoint reads no request bodies. */
    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    /**
     * As {@link HttpExchange#sendResponseHeaders}: -1 for no body; otherwise the body is what is written before
     * {@link #close()}, and its {@code Content-Length} is counted, whatever length was announced.
     */
    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
        if (code >= 0) {
            throw new IOException("response headers already sent");
        }
        if (rCode < 100 || rCode > 999) {
            throw new IllegalArgumentException("bad response code " + rCode);
        }
        code = rCode;
        announced = responseLength;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return remote;
    }

    @Override
    public int getResponseCode() {
        return code;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return local;
    }

    @Override
    public String getProtocol() {
        return head.protocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    /** Always {@code null}: the endpoint has no authenticator (a filter can authenticate). */
    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }

    /** The one context of the endpoint: every path goes to the handler, behind the filters. */
    static final class Context extends HttpContext {
        private final HttpHandler handler;
        private final List<Filter> filters;
        private final Map<String, Object> attributes = new ConcurrentHashMap<>();

        Context(HttpHandler handler, List<Filter> filters) {
            this.handler = handler;
            this.filters = List.copyOf(filters);
        }

        /** Runs the filters, then the handler. */
        void handle(HttpExchange exchange) throws IOException {
            new Filter.Chain(filters, handler).doFilter(exchange);
        }

        @Override
        public HttpHandler getHandler() {
            return handler;
        }

        @Override
        public void setHandler(HttpHandler h) {
            throw new UnsupportedOperationException("the status endpoint's handler is fixed");
        }

        @Override
        public String getPath() {
            return "/";
        }

        /** Unsupported: the endpoint runs on its own server, not on a {@link HttpServer}. */
        @Override
        public HttpServer getServer() {
            throw new UnsupportedOperationException("the status endpoint runs on its own server, not an HttpServer");
        }

        @Override
        public Map<String, Object> getAttributes() {
            return attributes;
        }

        @Override
        public List<Filter> getFilters() {
            return filters;
        }

        @Override
        public Authenticator setAuthenticator(Authenticator auth) {
            throw new UnsupportedOperationException("the status endpoint has no authenticator: use a filter");
        }

        @Override
        public Authenticator getAuthenticator() {
            return null;
        }
    }
}
