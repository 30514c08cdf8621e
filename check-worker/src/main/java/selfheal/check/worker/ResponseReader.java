package selfheal.check.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import selfheal.plugin.Characters;
import selfheal.plugin.Deadline;

/**
 * Reads one HTTP/1.1 response to a GET, framed as RFC 9112 section 6.3 says: interim 1xx responses
 * skipped, no body for 204 and 304, chunked decoded, else Content-Length, else everything up to the close.
 * Header section and body are capped. Every read first sets the socket's timeout to what is left of the
 * request's deadline, so no single read can outlast it.
 */
final class ResponseReader {

    /** All header sections of one response together (interim ones included), and separately its trailers. */
    static final int MAX_HEADER = 64 * 1024;
    /** How much of a malformed line a message quotes. */
    private static final int MAX_QUOTED = 80;

    private final InputStream in;
    private final Socket socket;
    private final Deadline deadline;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private int headerBudget = MAX_HEADER;

    // The header fields that frame the body or that the evaluation needs.
    private String contentType;
    private String location;
    private String transferEncoding;
    private String contentLength;

    /**
     * @param socket whose timeout is set before each read (the TLS socket for https)
     * @param deadline by which the whole response must have arrived
     */
    ResponseReader(InputStream in, Socket socket, Deadline deadline) {
        this.in = in;
        this.socket = socket;
        this.deadline = deadline;
    }

    /** The final response; a malformed one is a ProtocolException, an over-large body a ProbeFailure. */
    HttpResponse read(long start) throws IOException, ProbeFailure {
        String statusLine = firstLine();
        int code = statusCode(statusLine);
        while (code < 200) { // interim responses carry only headers
            headers();
            statusLine = readLine(true);
            code = statusCode(statusLine);
        }
        contentType = null;
        location = null;
        transferEncoding = null;
        contentLength = null;
        headers();
        byte[] body;
        if (code == 204 || code == 304) {
            body = new byte[0];
        } else if (transferEncoding != null) {
            if (!"chunked".equalsIgnoreCase(transferEncoding)) {
                throw new ProtocolException("unsupported Transfer-Encoding '" + Characters.printable(transferEncoding, MAX_QUOTED) + "'");
            }
            body = chunked();
        } else if (contentLength != null) {
            body = exactly(length(contentLength));
        } else {
            body = toClose();
        }
        long elapsed = System.nanoTime() - start;
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        return new HttpResponse(code, reason, contentType, new String(body, StandardCharsets.UTF_8),
                java.time.Duration.ofNanos(elapsed), body.length, location, null);
    }

    private String firstLine() throws IOException {
        if (!fill()) {
            throw new ProtocolException("connection closed before a response");
        }
        return readLine(true);
    }

    /** "HTTP/1.1 200 OK" (reason optional) to 200. */
    private static int statusCode(String line) throws ProtocolException {
        boolean ok = line.length() >= 12 && line.startsWith("HTTP/") && digit(line, 5) && line.charAt(6) == '.'
                && digit(line, 7) && line.charAt(8) == ' ' && line.charAt(9) >= '1' && line.charAt(9) <= '5'
                && digit(line, 10) && digit(line, 11) && (line.length() == 12 || line.charAt(12) == ' ');
        if (!ok) {
            throw new ProtocolException("malformed status line '" + Characters.printable(line, MAX_QUOTED) + "'");
        }
        return (line.charAt(9) - '0') * 100 + (line.charAt(10) - '0') * 10 + (line.charAt(11) - '0');
    }

    private static boolean digit(String s, int i) {
        return s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }

    /** Reads header lines up to the empty one, keeping the fields that matter; obs-fold continues a value. */
    private void headers() throws IOException {
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line; !(line = readLine(true)).isEmpty(); ) {
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (name == null) {
                    throw new ProtocolException("malformed header line '" + Characters.printable(line, MAX_QUOTED) + "'");
                }
                value.append(' ').append(line.trim());
                continue;
            }
            keep(name, value);
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(colon - 1) == ' ' || line.charAt(colon - 1) == '\t') {
                throw new ProtocolException("malformed header line '" + Characters.printable(line, MAX_QUOTED) + "'");
            }
            name = line.substring(0, colon);
            value.setLength(0);
            value.append(line.substring(colon + 1).trim());
        }
        keep(name, value);
    }

    private void keep(String name, StringBuilder value) throws ProtocolException {
        if (name == null) {
            return;
        }
        String v = value.toString();
        if (name.equalsIgnoreCase("Content-Type")) {
            contentType = v;
        } else if (name.equalsIgnoreCase("Location")) {
            location = v;
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
            transferEncoding = transferEncoding == null ? v : transferEncoding + ", " + v;
        } else if (name.equalsIgnoreCase("Content-Length")) {
            // Repeated fields (or a list) must agree: differing lengths are how responses get smuggled.
            for (String part : v.split(",")) {
                String length = part.trim();
                if (contentLength != null && !contentLength.equals(length)) {
                    throw new ProtocolException("differing Content-Length values '" + Characters.printable(contentLength, MAX_QUOTED)
                            + "' and '" + Characters.printable(length, MAX_QUOTED) + "'");
                }
                contentLength = length;
            }
        }
    }

    /** Content-Length: digits only; beyond the cap is TOO_LARGE before a byte of the body is read. */
    private static int length(String text) throws ProtocolException, ProbeFailure {
        if (text.isEmpty()) {
            throw new ProtocolException("malformed Content-Length ''");
        }
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new ProtocolException("malformed Content-Length '" + Characters.printable(text, MAX_QUOTED) + "'");
            }
            n = Math.min(n * 10 + (c - '0'), HttpProbe.MAX_BODY + 1L);
        }
        if (n > HttpProbe.MAX_BODY) {
            throw HttpProbe.tooLarge();
        }
        return (int) n;
    }

    private byte[] exactly(int length) throws IOException {
        byte[] body = new byte[length];
        int got = 0;
        while (got < length) {
            if (position == limit && !fill()) {
                throw new ProtocolException("connection closed after " + got + " of " + length + " body bytes");
            }
            int n = Math.min(length - got, limit - position);
            System.arraycopy(buffer, position, body, got, n);
            position += n;
            got += n;
        }
        return body;
    }

    private byte[] toClose() throws IOException, ProbeFailure {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (position < limit || fill()) {
            body.write(buffer, position, limit - position);
            position = limit;
            if (body.size() > HttpProbe.MAX_BODY) {
                throw HttpProbe.tooLarge();
            }
        }
        return body.toByteArray();
    }

    private byte[] chunked() throws IOException, ProbeFailure {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = readLine(false);
            int end = 0;
            long size = 0;
            while (end < line.length() && Character.digit(line.charAt(end), 16) >= 0) {
                size = Math.min(size * 16 + Character.digit(line.charAt(end), 16), HttpProbe.MAX_BODY + 1L);
                end++;
            }
            // After the hex size: nothing, or whitespace and/or a ';' chunk extension, which is ignored.
            if (end == 0 || end < line.length() && line.charAt(end) != ';' && line.charAt(end) != ' ' && line.charAt(end) != '\t') {
                throw new ProtocolException("malformed chunk size line '" + Characters.printable(line, MAX_QUOTED) + "'");
            }
            if (size == 0) {
                break;
            }
            if (body.size() + size > HttpProbe.MAX_BODY) {
                throw HttpProbe.tooLarge();
            }
            body.write(exactlyChunk((int) size));
            if (!readLine(false).isEmpty()) {
                throw new ProtocolException("chunk of " + size + " bytes not followed by CRLF");
            }
        }
        headerBudget = MAX_HEADER;
        while (!readLine(true).isEmpty()) {
            // trailer fields: read and dropped
        }
        return body.toByteArray();
    }

    private byte[] exactlyChunk(int size) throws IOException {
        try {
            return exactly(size);
        } catch (ProtocolException e) {
            throw new ProtocolException("connection closed in the middle of a chunk");
        }
    }

    /**
     * One line without its CRLF (a bare LF is accepted too). Header lines count against the header
     * budget; chunk lines are bounded by the same size so a line without end cannot grow without limit.
     */
    private String readLine(boolean header) throws IOException {
        StringBuilder line = new StringBuilder();
        int budget = header ? headerBudget : MAX_HEADER;
        while (true) {
            if (position == limit && !fill()) {
                throw new ProtocolException(header ? "connection closed in the response header section"
                        : "connection closed in the chunked body");
            }
            int b = buffer[position++] & 0xff;
            if (--budget < 0) {
                throw new ProtocolException(header ? "response header section over " + MAX_HEADER + " bytes"
                        : "chunk line over " + MAX_HEADER + " bytes");
            }
            if (b == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                if (header) {
                    headerBudget = budget;
                }
                return line.toString();
            }
            line.append((char) b); // ISO-8859-1, as field values are octets
        }
    }

    /** Refills the buffer, first bounding the read by the time left; false at the end of the stream. */
    private boolean fill() throws IOException {
        socket.setSoTimeout(deadline.millisLeft());
        int n = in.read(buffer);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
