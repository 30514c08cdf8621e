package selfheal.status;

import com.sun.net.httpserver.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The request line and header fields of one HTTP/1.x request (RFC 9112), read whole before anything is
 * answered. The endpoint never reads a request body: a request that announces one is answered, then its
 * connection is closed.
 */
record RequestHead(String method, URI uri, String protocol, Headers headers) {
    /** The most bytes a request head may take, blank line included. */
    static final int MAX_BYTES = 8192;

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** A request head that is not HTTP/1.0 or HTTP/1.1, or is longer than {@link #MAX_BYTES}. */
    static final class Malformed extends IOException {
        Malformed(String reason) {
            super(reason);
        }
    }

    /**
     * Reads the next request head from {@code in}.
     *
     * @return the head, or {@code null} if the client closed the connection before the next request
     * @throws Malformed if it is no HTTP/1.x request head
     * @throws IOException if the connection fails or closes halfway
     */
    static RequestHead read(InputStream in) throws IOException {
        int[] budget = {MAX_BYTES};
        String requestLine;
        do { // a server should ignore at least one empty line before the request line (RFC 9112 section 2.2)
            requestLine = readLine(in, budget);
            if (requestLine == null) {
                return null;
            }
        } while (requestLine.isEmpty());
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !TOKEN.matcher(parts[0]).matches()) {
            throw new Malformed("not an HTTP request line");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            throw new Malformed("unsupported protocol, use HTTP/1.1");
        }
        URI uri;
        try {
            uri = new URI(parts[1]);
        } catch (URISyntaxException e) {
            throw new Malformed("bad request target");
        }
        Headers headers = new Headers();
        for (String line = readField(in, budget); !line.isEmpty(); line = readField(in, budget)) {
            int colon = line.indexOf(':');
            if (colon < 1 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                throw new Malformed("bad header field");
            }
            headers.add(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return new RequestHead(parts[0], uri, parts[2], headers);
    }

    /** Whether the client wants the connection kept open after this request, and it can be. */
    boolean keepAlive() {
        if (!protocol.equals("HTTP/1.1") || hasBody()) {
            return false;
        }
        for (String options : headers.getOrDefault("Connection", List.of())) {
            for (String option : options.split(",")) {
                if (option.strip().equalsIgnoreCase("close")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether a body follows this head; it is never read, so the connection cannot carry another request. */
    boolean hasBody() {
        String length = headers.getFirst("Content-Length");
        return headers.containsKey("Transfer-Encoding") || (length != null && !length.equals("0"));
    }

    private static String readField(InputStream in, int[] budget) throws IOException {
        String line = readLine(in, budget);
        if (line == null) {
            throw new IOException("connection closed inside the request head");
        }
        return line;
    }

    /** One line without its CRLF (or bare LF), or {@code null} at the end of the stream before any byte. */
    private static String readLine(InputStream in, int[] budget) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed inside the request head");
            }
            if (--budget[0] < 0) {
                throw new Malformed("request head longer than " + MAX_BYTES + " bytes");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }
}
