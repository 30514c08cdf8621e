package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HttpProbe against a raw ServerSocket on 127.0.0.1 port 0 that answers one request with canned bytes,
 * so that every framing case (and every way a server can get it wrong) is exactly what the probe sees.
 */
class HttpProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private CannedServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** One connection: reads the request head, writes the parts (a Long part is a pause in ms), closes unless told not to. */
    static final class CannedServer implements AutoCloseable {
        final ServerSocket socket;
        final CompletableFuture<String> request = new CompletableFuture<>();
        private final Thread thread;

        CannedServer(boolean closeAfter, Object... parts) throws IOException {
            socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> serve(closeAfter, parts), "canned-server");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve(boolean closeAfter, Object[] parts) {
            try (Socket s = socket.accept()) {
                request.complete(head(s.getInputStream()));
                OutputStream out = s.getOutputStream();
                for (Object part : parts) {
                    if (part instanceof Long pause) {
                        Thread.sleep(pause);
                    } else {
                        out.write(part instanceof byte[] b ? b : ((String) part).getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                }
                if (!closeAfter) {
                    s.getInputStream().read(); // until the client closes, or close() below
                }
            } catch (IOException | InterruptedException e) {
                request.complete("");
            }
        }

        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                b.write(c);
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        Endpoint endpoint() {
            return new Endpoint(false, "127.0.0.1", socket.getLocalPort(), "/health");
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.interrupt();
            thread.join(5_000);
        }
    }

    private HttpResponse get(boolean closeAfter, Object... parts) throws Exception {
        return get(TIMEOUT, closeAfter, parts);
    }

    private HttpResponse get(Duration timeout, boolean closeAfter, Object... parts) throws Exception {
        server = new CannedServer(closeAfter, parts);
        return new HttpProbe(null).get(server.endpoint(), List.of(), timeout);
    }

    private ProbeFailure failure(boolean closeAfter, Object... parts) throws Exception {
        server = new CannedServer(closeAfter, parts);
        return assertThrows(ProbeFailure.class, () -> new HttpProbe(null).get(server.endpoint(), List.of(), TIMEOUT));
    }

    private String where() {
        return "127.0.0.1:" + server.socket.getLocalPort();
    }

    @Test
    void readsAContentLengthBodyWithoutWaitingForTheClose() throws Exception {
        HttpResponse r = get(false, "HTTP/1.1 200 OK\r\nContent-Type: Application/Health+JSON; charset=utf-8\r\n"
                + "Content-Length: 17\r\n\r\n{\"status\":\"pass\"}");
        assertEquals(200, r.code());
        assertEquals("OK", r.reason());
        assertEquals("application/health+json", r.contentType());
        assertEquals("{\"status\":\"pass\"}", r.body());
    }

    @Test
    void decodesAChunkedBodyIgnoringExtensionsAndDroppingTrailers() throws Exception {
        HttpResponse r = get(false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 999\r\n\r\n",
                "5;name=value\r\nhello\r\n", 20L, "A \r\n, chunked!\r\n", "0\r\nX-Checksum: abc\r\n\r\n");
        assertEquals("hello, chunked!", r.body());
    }

    @Test
    void readsToTheCloseWithoutLengthOrChunking() throws Exception {
        HttpResponse r = get(true, "HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\n", "down", 20L, " for now");
        assertEquals(503, r.code());
        assertEquals("HTTP 503 Service Unavailable", r.statusLine());
        assertEquals("down for now", r.body());
    }

    @Test
    void skipsInterimResponses() throws Exception {
        HttpResponse r = get(false, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertEquals(200, r.code());
        assertEquals("ok", r.body());
    }

    @Test
    void aNoContentResponseHasNoBodyEvenIfTheServerKeepsTheConnection() throws Exception {
        long start = System.nanoTime();
        HttpResponse r = get(false, "HTTP/1.1 204 No Content\r\n\r\n");
        assertEquals(204, r.code());
        assertEquals("", r.body());
        assertTrue(System.nanoTime() - start < TIMEOUT.toNanos() / 2, "waited for the close");
    }

    @Test
    void aBareLfAndAMissingReasonAreAccepted() throws Exception {
        HttpResponse r = get(true, "HTTP/1.1 200\nContent-Length: 2\n\nok");
        assertEquals("HTTP 200", r.statusLine());
        assertEquals("ok", r.body());
    }

    @Test
    void sendsTheDefaultHeadersAndLetsALaterHeaderReplaceAnEarlierOneWhateverItsCase() throws Exception {
        server = new CannedServer(true, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        new HttpProbe(null).get(server.endpoint(), List.of(Map.entry("accept", "text/plain"), Map.entry("X-Token", "t"),
                Map.entry("Authorization", "Bearer x"), Map.entry("Authorization", "Basic dXNlcjpwYXNz")), TIMEOUT);
        assertEquals("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + server.socket.getLocalPort()
                + "\r\naccept: text/plain\r\nUser-Agent: check_worker\r\nConnection: close\r\nX-Token: t"
                + "\r\nAuthorization: Basic dXNlcjpwYXNz\r\n\r\n",
                server.request.get(5, TimeUnit.SECONDS));
    }

    @Test
    void anOversizeContentLengthIsTooLargeBeforeTheBodyIsRead() throws Exception {
        ProbeFailure f = failure(false, "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n");
        assertEquals(ProbeFailure.Kind.TOO_LARGE, f.kind());
        assertEquals("response body larger than 1048576 bytes", f.getMessage());
    }

    @Test
    void anOversizeChunkedBodyIsTooLarge() throws Exception {
        byte[] chunk = new byte[600 * 1024];
        ProbeFailure f = failure(false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                "96000\r\n", chunk, "\r\n96000\r\n", chunk, "\r\n0\r\n\r\n");
        assertEquals(ProbeFailure.Kind.TOO_LARGE, f.kind());
    }

    @Test
    void anOversizeBodyReadToTheCloseIsTooLarge() throws Exception {
        ProbeFailure f = failure(true, "HTTP/1.1 200 OK\r\n\r\n", new byte[HttpProbe.MAX_BODY + 1]);
        assertEquals(ProbeFailure.Kind.TOO_LARGE, f.kind());
    }

    @Test
    void aMalformedStatusLineIsAClearFailure() throws Exception {
        ProbeFailure f = failure(true, "HTTP/1.1 OK\r\n\r\n");
        assertEquals(ProbeFailure.Kind.UNREACHABLE, f.kind());
        assertEquals("request to " + where() + " failed: malformed status line 'HTTP/1.1 OK'", f.getMessage());
    }

    @Test
    void aMalformedHeaderLineIsAClearFailure() throws Exception {
        ProbeFailure f = failure(true, "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n");
        assertEquals("request to " + where() + " failed: malformed header line 'no colon here'", f.getMessage());
    }

    @Test
    void differingContentLengthsAreRefused() throws Exception {
        ProbeFailure f = failure(true, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc");
        assertEquals("request to " + where() + " failed: differing Content-Length values '2' and '3'", f.getMessage());
    }

    @Test
    void aContentLengthOtherThanDigitsIsRefused() throws Exception {
        ProbeFailure f = failure(true, "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nab");
        assertEquals("request to " + where() + " failed: malformed Content-Length '+2'", f.getMessage());
    }

    @Test
    void aHeaderSectionOverTheCapIsRefused() throws Exception {
        String big = "X-Filler: " + "x".repeat(1000) + "\r\n";
        ProbeFailure f = failure(false, "HTTP/1.1 200 OK\r\n" + big.repeat(70));
        assertEquals("request to " + where() + " failed: response header section over 65536 bytes", f.getMessage());
    }

    @Test
    void aBodyTrickledPastTheDeadlineTimesOutOnTime() throws Exception {
        Object[] parts = new Object[2 + 100];
        parts[0] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
        for (int i = 1; i < parts.length - 1; i += 2) {
            parts[i] = "x";
            parts[i + 1] = 30L;
        }
        parts[parts.length - 1] = "";
        server = new CannedServer(true, parts);
        long start = System.nanoTime();
        ProbeFailure f = assertThrows(ProbeFailure.class,
                () -> new HttpProbe(null).get(server.endpoint(), List.of(), Duration.ofMillis(400)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ProbeFailure.Kind.TIMEOUT, f.kind());
        assertEquals("timed out after 0.4 s", f.getMessage());
        assertTrue(millis >= 390 && millis < 1_500, millis + " ms");
    }

    @Test
    void aConnectionClosedBeforeTheContentLengthIsAFailureNotAShortBody() throws Exception {
        ProbeFailure f = failure(true, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"sta");
        assertEquals("request to " + where() + " failed: connection closed after 5 of 100 body bytes", f.getMessage());
    }

    @Test
    void aConnectionClosedInsideAChunkIsAFailure() throws Exception {
        ProbeFailure f = failure(true, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc");
        assertEquals("request to " + where() + " failed: connection closed in the middle of a chunk", f.getMessage());
    }

    @Test
    void aConnectionClosedWithoutAnswerIsAFailure() throws Exception {
        ProbeFailure f = failure(true);
        assertEquals("request to " + where() + " failed: connection closed before a response", f.getMessage());
    }
}
