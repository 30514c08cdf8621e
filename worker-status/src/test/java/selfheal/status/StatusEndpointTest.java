package selfheal.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusEndpointTest {
    private final MutableClock clock = new MutableClock("2026-11-25T09:00:00.250Z");
    private final CountDownLatch released = new CountDownLatch(1);
    private StatusEndpoint endpoint;

    @AfterEach
    void close() {
        released.countDown();
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private StatusEndpoint start(StatusEndpoint.Builder builder) throws IOException {
        endpoint = builder.clock(clock).start();
        return endpoint;
    }

    @Test
    void aFreshWorkerPassesWithTheExactDocument() throws IOException {
        start(StatusEndpoint.builder("foo").description("file mover"));
        AtomicLong moved = new AtomicLong(7);
        endpoint.registerValue("files:moved", "files", moved::get);
        clock.advance(Duration.ofMillis(1500));

        Http answer = Http.get(endpoint.uri());

        assertEquals(200, answer.code());
        assertEquals("""
                {
                  "status": "pass",
                  "serviceId": "foo",
                  "description": "file mover",
                  "checks": {
                    "worker:heartbeat": [
                      {
                        "componentId": "foo",
                        "observedValue": 1.500,
                        "observedUnit": "s",
                        "status": "pass",
                        "time": "2026-11-25T09:00:00.250Z"
                      }
                    ],
                    "files:moved": [
                      {
                        "componentId": "foo",
                        "observedValue": 7,
                        "observedUnit": "files",
                        "status": "pass",
                        "time": "2026-11-25T09:00:01.750Z"
                      }
                    ]
                  }
                }
                """, answer.body());
    }

    @Test
    void answersWithTheHealthMediaTypeAndNoStore() throws IOException {
        start(StatusEndpoint.builder("foo"));

        Http answer = Http.get(endpoint.uri());

        assertEquals("application/health+json", answer.header("Content-Type"));
        assertEquals("no-store", answer.header("Cache-Control"));
        assertEquals(String.valueOf(answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                answer.header("Content-Length"));
    }

    @Test
    void theHeartbeatAgeRestartsFromZeroAndTheTimeMovesToTheLastBeat() throws IOException {
        start(StatusEndpoint.builder("foo"));
        clock.advance(Duration.ofSeconds(42));
        assertTrue(Http.get(endpoint.uri()).body().contains("\"observedValue\": 42.000,"));

        endpoint.heartbeat();
        clock.advance(Duration.ofMillis(5));
        String body = Http.get(endpoint.uri()).body();

        assertTrue(body.contains("\"observedValue\": 0.005,"), body);
        assertTrue(body.contains("\"time\": \"2026-11-25T09:00:42.250Z\""), body);
    }

    @Test
    void aStaleHeartbeatWarnsThenFailsWith503() throws IOException {
        start(StatusEndpoint.builder("foo")
                .heartbeatLimits(new HeartbeatLimits(Duration.ofSeconds(5), Duration.ofSeconds(10))));

        clock.advance(Duration.ofMillis(4999));
        Http fresh = Http.get(endpoint.uri());
        clock.advance(Duration.ofMillis(1));
        Http warned = Http.get(endpoint.uri());
        clock.advance(Duration.ofSeconds(5));
        Http failed = Http.get(endpoint.uri());

        assertEquals(200, fresh.code());
        assertTrue(fresh.body().startsWith("{\n  \"status\": \"pass\""), fresh.body());
        assertEquals(200, warned.code());
        assertTrue(warned.body().startsWith("{\n  \"status\": \"warn\""), warned.body());
        assertTrue(warned.body().contains("\"output\": \"no heartbeat for 5.000 s (warn after 5 s)\""), warned.body());
        assertEquals(503, failed.code());
        assertTrue(failed.body().startsWith("{\n  \"status\": \"fail\""), failed.body());
        assertTrue(failed.body().contains("\"output\": \"no heartbeat for 10.000 s (fail after 10 s)\""), failed.body());
    }

    @Test
    void aWarningCheckMakesTheWholeAnswerWarnWith200() throws IOException {
        start(StatusEndpoint.builder("foo"));
        endpoint.register("disk:utilization", () -> new Observation(HealthStatus.WARN, 91.5, "percent",
                "disk \"data\" nearly full", null));

        Http answer = Http.get(endpoint.uri());

        assertEquals(200, answer.code());
        assertTrue(answer.body().startsWith("{\n  \"status\": \"warn\""), answer.body());
        assertTrue(answer.body().contains("\"observedValue\": 91.5,"), answer.body());
        assertTrue(answer.body().contains("\"output\": \"disk \\\"data\\\" nearly full\""), answer.body());
    }

    @Test
    void aCheckThatThrowsFailsWithItsMessage() throws IOException {
        start(StatusEndpoint.builder("foo"));
        endpoint.register("db:connections", () -> {
            throw new IllegalStateException("pool closed");
        });

        Http answer = Http.get(endpoint.uri());

        assertEquals(503, answer.code());
        assertTrue(answer.body().contains("\"status\": \"fail\",\n        \"time\": \"2026-11-25T09:00:00.250Z\",\n"
                + "        \"output\": \"IllegalStateException: pool closed\""), answer.body());
    }

    @Test
    void aCheckThatReturnsNullOrAnInvalidValueFails() throws IOException {
        start(StatusEndpoint.builder("foo").withoutHeartbeat());
        endpoint.register("a:null", () -> null);
        endpoint.registerValue("b:nan", "s", () -> Double.NaN);

        Http answer = Http.get(endpoint.uri());

        assertEquals(503, answer.code());
        assertTrue(answer.body().contains("\"output\": \"check returned no result\""), answer.body());
        assertTrue(answer.body().contains("observedValue must be finite, got NaN"), answer.body());
    }

    @Test
    void aStuckCheckTimesOutAndNeverHoldsUpLaterAnswers() throws IOException {
        start(StatusEndpoint.builder("foo").checkTimeout(Duration.ofMillis(200)).checkThreads(1));
        endpoint.register("stuck:forever", () -> {
            while (true) {
                try {
                    released.await(); // ignores interrupts, as a badly written check would
                    return Observation.pass();
                } catch (InterruptedException ignored) {
                    // keep blocking
                }
            }
        });

        for (int i = 0; i < 12; i++) { // more requests than the one check thread and its queue can take
            long started = System.nanoTime();
            Http answer = Http.get(endpoint.uri());
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertEquals(503, answer.code());
            assertTrue(answer.body().contains("check timed out after 0.2 s")
                    || answer.body().contains("not run: all 1 check threads are busy"), answer.body());
            assertTrue(millis < 2000, "answer took " + millis + " ms");
        }
    }

    @Test
    void checksRunInParallelUnderOneDeadline() throws IOException {
        // One after another the four checks would need 2 s, past the 1.5 s deadline, and fail as timed out.
        start(StatusEndpoint.builder("foo").withoutHeartbeat().checkTimeout(Duration.ofMillis(1500)).checkThreads(4));
        for (String name : new String[] {"a:slow", "b:slow", "c:slow", "d:slow"}) {
            endpoint.register(name, () -> {
                Thread.sleep(500);
                return Observation.pass();
            });
        }

        Http answer = Http.get(endpoint.uri());

        assertEquals(200, answer.code(), answer.body());
        assertTrue(answer.body().startsWith("{\n  \"status\": \"pass\""), answer.body());
    }

    @Test
    void headAnswersTheSameStatusAndHeadersWithoutABody() throws IOException {
        start(StatusEndpoint.builder("foo").heartbeatLimits(new HeartbeatLimits(null, Duration.ofSeconds(1))));
        Http passing = Http.request("HEAD", endpoint.uri());
        Http got = Http.get(endpoint.uri());
        clock.advance(Duration.ofSeconds(2));
        Http failing = Http.request("HEAD", endpoint.uri());

        assertEquals(200, passing.code());
        assertEquals("", passing.body());
        assertEquals("application/health+json", passing.header("Content-Type"));
        assertEquals("no-store", passing.header("Cache-Control"));
        assertEquals(got.header("Content-Length"), passing.header("Content-Length"));
        assertEquals(503, failing.code());
        assertEquals("", failing.body());
    }

    @Test
    void otherMethodsAre405WithAllow() throws IOException {
        start(StatusEndpoint.builder("foo"));

        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS"}) {
            Http answer = Http.request(method, endpoint.uri());
            assertEquals(405, answer.code(), method);
            assertEquals("GET, HEAD", answer.header("Allow"), method);
            assertEquals("no-store", answer.header("Cache-Control"), method);
        }
    }

    @Test
    void otherPathsAre404AndAQueryIsIgnored() throws IOException {
        start(StatusEndpoint.builder("foo"));

        assertEquals(404, Http.get(endpoint.uri().resolve("/healthz")).code());
        assertEquals(404, Http.get(endpoint.uri().resolve("/")).code());
        assertEquals(200, Http.get(endpoint.uri().resolve("/health?verbose")).code());
    }

    @Test
    void aKeptAliveConnectionAnswersPipelinedRequestsInOrder() throws IOException {
        start(StatusEndpoint.builder("foo"));
        String get = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

        String answers = Http.raw(endpoint.address(), get + "GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"), 5000);

        List<String> statusLines = answers.lines().filter(l -> l.startsWith("HTTP/")).toList();
        assertEquals(List.of("HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"), statusLines, answers);
        assertTrue(answers.contains("\r\nConnection: close\r\n"), answers);
    }

    @Test
    void http10IsAnsweredAndTheConnectionClosed() throws IOException {
        start(StatusEndpoint.builder("foo"));

        String answer = Http.raw(endpoint.address(), "GET /health HTTP/1.0\r\n\r\n", 5000);

        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
    }

    @Test
    void aRequestWithABodyIsAnsweredWithoutReadingItAndTheConnectionClosed() throws IOException {
        start(StatusEndpoint.builder("foo"));

        String answer = Http.raw(endpoint.address(),
                "POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nGET /", 5000);

        assertTrue(answer.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), answer);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
        assertEquals(1, answer.lines().filter(l -> l.startsWith("HTTP/")).count(), answer);
    }

    @Test
    void aLargeUnreadBodyStillGetsTheWholeAnswer() throws IOException {
        start(StatusEndpoint.builder("foo"));

        String answer = Http.raw(endpoint.address(),
                "POST /health HTTP/1.1\r\nContent-Length: 40000\r\n\r\n" + "x".repeat(40_000), 5000);

        assertTrue(answer.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), answer);
        assertTrue(answer.endsWith("method POST not allowed: use GET or HEAD\n"), answer);
    }

    @Test
    void malformedOrOverlongRequestsAre400AndClosed() throws IOException {
        start(StatusEndpoint.builder("foo"));
        String[][] table = {
            {"GET /health\r\n\r\n", "not an HTTP request line"},
            {"GET /health HTTP/2.0\r\n\r\n", "unsupported protocol, use HTTP/1.1"},
            {"GET /a b HTTP/1.1\r\n\r\n", "not an HTTP request line"},
            {"GET /health HTTP/1.1\r\nno colon\r\n\r\n", "bad header field"},
            {"GET /health HTTP/1.1\r\n folded: line\r\n\r\n", "bad header field"},
            {"GET /health HTTP/1.1\r\nX-Long: " + "x".repeat(9000) + "\r\n\r\n", "request head longer than 8192 bytes"},
        };

        for (String[] row : table) {
            String answer = Http.raw(endpoint.address(), row[0], 5000);
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
            assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
            assertTrue(answer.endsWith("\r\n\r\nbad request: " + row[1] + "\n"), answer);
        }
    }

    @Test
    void aFilterCanAnswerInsteadOfTheDocumentOrDropTheRequest() throws IOException {
        start(StatusEndpoint.builder("foo").filter(new com.sun.net.httpserver.Filter() {
            @Override
            public void doFilter(com.sun.net.httpserver.HttpExchange exchange, Chain chain) throws IOException {
                if (exchange.getRequestHeaders().containsKey("Authorization")) {
                    exchange.close(); // dropped without an answer
                } else {
                    exchange.sendResponseHeaders(401, -1);
                    exchange.close();
                }
            }

            @Override
            public String description() {
                return "refuses everyone";
            }
        }));

        String refused = Http.raw(endpoint.address(), "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", 5000);
        String dropped = Http.raw(endpoint.address(), "GET /health HTTP/1.1\r\nAuthorization: x\r\n\r\n", 5000);

        assertTrue(refused.startsWith("HTTP/1.1 401 Unauthorized\r\n"), refused);
        assertTrue(refused.toLowerCase(java.util.Locale.ROOT).contains("\r\ncontent-length: 0\r\n"), refused);
        assertTrue(refused.endsWith("\r\n\r\n"), refused);
        assertEquals("connection closed without an answer", dropped);
    }

    @Test
    void aCustomPathIsServed() throws IOException {
        start(StatusEndpoint.builder("foo").path("/status/foo"));

        assertTrue(endpoint.uri().toString().endsWith("/status/foo"));
        assertEquals(200, Http.get(endpoint.uri()).code());
    }

    @Test
    void listensOnLoopbackByDefaultAndAllItsThreadsAreDaemons() throws IOException {
        start(StatusEndpoint.builder("foo"));
        endpoint.registerValue("queue:depth", "files", () -> 0);
        Http.get(endpoint.uri());

        assertEquals(InetAddress.getLoopbackAddress(), endpoint.address().getAddress());
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("worker-status"))
                .forEach(t -> assertTrue(t.isDaemon(), t.getName() + " is not a daemon thread"));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("worker-status-http-accept")));
    }

    @Test
    void closeFreesThePort() throws IOException {
        start(StatusEndpoint.builder("foo"));
        var uri = endpoint.uri();
        endpoint.close();

        assertThrows(ConnectException.class, () -> Http.get(uri));
    }

    @Test
    void aTakenPortIsAnErrorThatNamesIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class,
                    () -> StatusEndpoint.builder("foo").port(taken.getLocalPort()).start());
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "),
                    e.getMessage());
        }
    }

    @Test
    void malformedAndDuplicateCheckNamesAreRefused() throws IOException {
        start(StatusEndpoint.builder("foo"));
        endpoint.register("queue:depth", Observation::pass);

        for (String bad : new String[] {"", "a:b:c", ":depth", "queue:", "queue depth", "a\nb"}) {
            assertThrows(IllegalArgumentException.class, () -> endpoint.register(bad, Observation::pass), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> endpoint.register("queue:depth", Observation::pass));
        assertThrows(IllegalArgumentException.class, () -> endpoint.register("worker:heartbeat", Observation::pass));
    }

    @Test
    void withoutHeartbeatTheDocumentHasNoHeartbeatCheck() throws IOException {
        start(StatusEndpoint.builder("foo").withoutHeartbeat());

        Http answer = Http.get(endpoint.uri());

        assertEquals(200, answer.code());
        assertEquals("{\n  \"status\": \"pass\",\n  \"serviceId\": \"foo\",\n  \"checks\": {}\n}\n", answer.body());
        assertThrows(IllegalStateException.class, endpoint::heartbeat);
    }

    @Test
    void aFilterRunsInFrontOfTheDocument() throws IOException {
        AtomicLong seen = new AtomicLong();
        start(StatusEndpoint.builder("foo").filter(com.sun.net.httpserver.Filter.beforeHandler("count",
                exchange -> seen.incrementAndGet())));

        Http.get(endpoint.uri());
        Http.get(endpoint.uri());

        assertEquals(2, seen.get());
    }
}
