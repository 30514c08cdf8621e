package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** check_worker through run(...) against a real HttpServer, one route per scenario. */
class CheckWorkerTest {

    static final String HEARTBEAT_TIME = "2026-11-25T09:00:00Z";
    /** The plugin's "now": the heartbeat above is 5 s old. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T09:00:05Z"), ZoneOffset.UTC);

    static final String HEALTH_PASS = """
            {"status":"pass","serviceId":"foo","checks":{
             "worker:heartbeat":[{"componentId":"foo","observedValue":0.4,"observedUnit":"s","status":"pass","time":"%s"}],
             "queue:depth":[{"componentId":"inbox","observedValue":17,"observedUnit":"files","status":"pass"}]}}"""
            .formatted(HEARTBEAT_TIME);
    static final String HEALTH_WARN = """
            {"status":"warn","checks":{
             "worker:heartbeat":[{"componentId":"foo","observedValue":1.2,"observedUnit":"s","status":"pass","time":"%s"}],
             "queue:depth":[{"componentId":"inbox","observedValue":900,"observedUnit":"files","status":"warn","output":"backlog"}]}}"""
            .formatted(HEARTBEAT_TIME);
    static final String HEALTH_FAIL = """
            {"status":"fail","output":"work loop stuck","checks":{
             "worker:heartbeat":[{"componentId":"foo","observedValue":95,"observedUnit":"s","status":"fail","time":"2026-11-25T08:58:30Z"}]}}""";

    static TestEndpoint endpoint;
    static int refusedPort;

    @BeforeAll
    static void start() throws IOException {
        endpoint = new TestEndpoint()
                .route("/health/pass", 200, "application/health+json", HEALTH_PASS)
                .route("/health/warn", 200, "application/health+json", HEALTH_WARN)
                .route("/health/fail", 503, "application/health+json", HEALTH_FAIL)
                .route("/health/pass-500", 500, "application/health+json", HEALTH_PASS)
                .route("/health/pass-404", 404, "application/health+json", HEALTH_PASS)
                .route("/health/warn-503", 503, "application/health+json", HEALTH_WARN)
                .route("/spring/up-503", 503, "application/json", "{\"status\":\"UP\"}")
                .route("/dropwizard/healthy-500", 500, "application/json", "{\"db\":{\"healthy\":true}}")
                .route("/health/as-html", 200, "text/html", HEALTH_PASS)
                .route("/spring/up", 200, "application/vnd.spring-boot.actuator.v3+json", """
                        {"status":"UP","components":{"db":{"status":"UP","details":{"database":"H2"}},"diskSpace":{"status":"UP"}}}""")
                .route("/spring/custom", 200, "application/json", """
                        {"status":"UP","components":{"db":{"status":"UP"},"mail":{"status":"UNKNOWN"},"queue":{"status":"DEGRADED"}}}""")
                .route("/spring/down", 503, "application/json", """
                        {"status":"DOWN","components":{"db":{"status":"DOWN","components":{"primary":{"status":"DOWN","details":{"error":"java.net.ConnectException: refused"}},"replica":{"status":"UP"}}},"ping":{"status":"UP"}}}""")
                .route("/spring/legacy", 200, "application/json", """
                        {"status":"UP","details":{"db":{"status":"UP","details":{"database":"H2"}}}}""")
                .route("/dropwizard/healthy", 200, "application/json", """
                        {"deadlocks":{"healthy":true,"duration":0},"db":{"healthy":true,"message":"fine"}}""")
                .route("/dropwizard/unhealthy", 500, "application/json", """
                        {"db":{"healthy":false,"message":"Connection refused"},"deadlocks":{"healthy":true}}""")
                .route("/dropwizard/unhealthy-200", 200, "application/json", """
                        {"db":{"healthy":false,"error":{"message":"pool exhausted"}},"deadlocks":{"healthy":true}}""")
                .route("/dropwizard/none", 501, "application/json", "{}")
                .route("/mp/up", 200, "application/json", """
                        {"status":"UP","checks":[{"name":"live","status":"UP"},{"name":"db","status":"UP","data":{"pool":5}}]}""")
                .route("/mp/down", 503, "application/json", """
                        {"status":"DOWN","checks":[{"name":"db","status":"DOWN","data":{"reason":"timeout"}},{"name":"live","status":"UP"}]}""")
                .route("/vertx/up", 200, "application/json;charset=UTF-8", """
                        {"checks":[{"id":"A","status":"UP"}],"outcome":"UP","status":"UP"}""")
                .route("/vertx/down", 503, "application/json", """
                        {"checks":[{"id":"A","status":"UP"},{"id":"grp","checks":[{"id":"B","status":"DOWN","data":{"cause":"x"}}]}],"outcome":"DOWN","status":"DOWN"}""")
                .route("/k8s/ok", 200, "text/plain", "ok")
                .route("/k8s/verbose", 200, "text/plain", "[+]ping ok\n[+]log ok\nlivez check passed\n")
                .route("/k8s/failed", 500, "text/plain", "[+]ping ok\n[-]etcd failed: reason withheld\nlivez check failed\n")
                .route("/plain", 200, "text/html", "<html>hello</html>")
                .route("/unavailable", 503, "text/plain", "down for maintenance")
                .route("/garbage", 200, "application/json", "\u0001\u00ffnot json at all{{")
                .route("/binary", 200, "application/octet-stream", "\u0001\u0002\u00ff\u00fe")
                .route("/truncated", 200, "application/health+json", "{\"status\":\"pass\",\"checks\":{\"worker:heartbeat\":[{\"status\":")
                .route("/huge", 200, "application/json", "[" + "1,".repeat(1_100_000) + "1]")
                .route("/huge-chunked", exchange -> {
                    exchange.sendResponseHeaders(200, 0);
                    byte[] chunk = new byte[64 * 1024];
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int i = 0; i < 40; i++) {
                            out.write(chunk);
                        }
                    }
                })
                .route("/slow", exchange -> {
                    Thread.sleep(5_000);
                    TestEndpoint.send(exchange, 200, "application/health+json", HEALTH_PASS);
                })
                .route("/slowish", exchange -> {
                    Thread.sleep(300);
                    TestEndpoint.send(exchange, 200, "application/health+json", HEALTH_PASS);
                })
                .route("/trickle", exchange -> {
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int i = 0; i < 200; i++) {
                            out.write(' ');
                            out.flush();
                            Thread.sleep(50);
                        }
                    }
                })
                .route("/secret", exchange -> {
                    String auth = exchange.getRequestHeaders().getFirst("Authorization");
                    String token = exchange.getRequestHeaders().getFirst("X-Token");
                    boolean allowed = "Basic dXNlcjpwYXNz".equals(auth) && "t0k3n".equals(token);
                    TestEndpoint.send(exchange, allowed ? 200 : 401, "application/health+json",
                            allowed ? HEALTH_PASS : "{\"status\":\"fail\"}");
                });
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusedPort = s.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        endpoint.close();
    }

    record Run(int code, String output, long millis) {
        String firstLine() {
            return output.lines().findFirst().orElse("")
                    .replaceAll(" in [0-9.]+ s", " in T s")
                    .replaceAll("'time'=[0-9.]+s", "'time'=Ts")
                    // the time's max (the timeout) and the size: checked once, in perfdataHasTheTimeoutAsMaxAndTheSize
                    .replaceAll("('time'=Ts;[^;]*;[^;]*;0);[0-9.]+", "$1")
                    .replaceAll(" 'size'=[0-9]+B;;;0", "")
                    .replace(":" + endpoint.port(), ":PORT");
        }
    }

    static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of("-H", "127.0.0.1", "-p", String.valueOf(endpoint.port())));
        all.addAll(List.of(args));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = new CheckWorker(CLOCK).run(all.toArray(String[]::new), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void perfdataHasTheTimeoutAsMaxAndTheSize() {
        Run run = run("-u", "/health/pass", "-t", "7.5");
        assertTrue(run.output().matches("(?s)WORKER OK - .* \\| 'time'=[0-9.]+s;;;0;7.5 'size'=" + HEALTH_PASS.getBytes(
                StandardCharsets.UTF_8).length + "B;;;0\n.*"), run.output());
    }

    @Test
    void aRepeatableCheckIsParsedOnceAndReadsTheEndpointAnewEachTime() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (TestEndpoint flipping = new TestEndpoint().route("/health", exchange -> TestEndpoint.send(exchange,
                reads.incrementAndGet() == 1 ? 200 : 503, "application/health+json",
                reads.get() == 1 ? "{\"status\":\"pass\"}" : "{\"status\":\"fail\"}"))) {
            java.util.function.Supplier<selfheal.plugin.CheckResult> check = new CheckWorker(CLOCK, java.nio.file.Path.of(""),
                    threads).repeatable(new String[] {"-H", "127.0.0.1", "-p", String.valueOf(flipping.port())});
            assertEquals("OK", check.get().status().name());
            assertEquals("CRITICAL", check.get().status().name(), "each reading goes to the endpoint again");
            assertEquals(2, reads.get());
        } finally {
            threads.shutdownNow();
        }
        assertThrows(selfheal.plugin.UsageException.class, () -> new CheckWorker(CLOCK).repeatable(new String[] {"-w", "x:y"}));
    }

    @ParameterizedTest(name = "{0}: exit {1}")
    @CsvSource(delimiter = '#', textBlock = """
        /health/pass            # 0 # WORKER OK - health+json pass, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0
        /health/warn            # 1 # WORKER WARNING - health+json warn, failing: queue:depth (warn), HTTP 200 OK in T s | 'time'=Ts;;;0
        /health/fail            # 2 # WORKER CRITICAL - health+json fail, failing: output (fail), worker:heartbeat (fail), HTTP 503 Service Unavailable in T s | 'time'=Ts;;;0
        /health/pass-500        # 2 # WORKER CRITICAL - health+json pass, 2 checks, HTTP status is a server error, HTTP 500 Internal Server Error in T s | 'time'=Ts;;;0
        /health/pass-404        # 1 # WORKER WARNING - health+json pass, 2 checks, HTTP status is a client error, HTTP 404 Not Found in T s | 'time'=Ts;;;0
        /health/warn-503        # 2 # WORKER CRITICAL - health+json warn, failing: queue:depth (warn), HTTP status is a server error, HTTP 503 Service Unavailable in T s | 'time'=Ts;;;0
        /spring/up-503          # 2 # WORKER CRITICAL - spring-boot UP, HTTP status is a server error, HTTP 503 Service Unavailable in T s | 'time'=Ts;;;0
        /dropwizard/healthy-500 # 2 # WORKER CRITICAL - dropwizard healthy, 1 check, HTTP status is a server error, HTTP 500 Internal Server Error in T s | 'time'=Ts;;;0
        /health/as-html         # 0 # WORKER OK - health+json pass, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0
        /spring/up              # 0 # WORKER OK - spring-boot UP, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0
        /spring/custom          # 1 # WORKER WARNING - spring-boot UP, failing: mail (UNKNOWN), queue (DEGRADED), HTTP 200 OK in T s | 'time'=Ts;;;0
        /spring/down            # 2 # WORKER CRITICAL - spring-boot DOWN, failing: db/primary (DOWN), HTTP 503 Service Unavailable in T s | 'time'=Ts;;;0
        /spring/legacy          # 0 # WORKER OK - spring-boot UP, 1 check, HTTP 200 OK in T s | 'time'=Ts;;;0
        /dropwizard/healthy     # 0 # WORKER OK - dropwizard healthy, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0
        /dropwizard/unhealthy   # 2 # WORKER CRITICAL - dropwizard unhealthy, failing: db (unhealthy), HTTP 500 Internal Server Error in T s | 'time'=Ts;;;0
        /dropwizard/unhealthy-200 # 2 # WORKER CRITICAL - dropwizard unhealthy, failing: db (unhealthy), HTTP 200 OK in T s | 'time'=Ts;;;0
        /dropwizard/none        # 3 # WORKER UNKNOWN - dropwizard no health checks registered, HTTP 501 Not Implemented in T s | 'time'=Ts;;;0
        /mp/up                  # 0 # WORKER OK - microprofile UP, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0
        /mp/down                # 2 # WORKER CRITICAL - microprofile DOWN, failing: db (DOWN), HTTP 503 Service Unavailable in T s | 'time'=Ts;;;0
        /vertx/up               # 0 # WORKER OK - vertx UP, 1 check, HTTP 200 OK in T s | 'time'=Ts;;;0
        /vertx/down             # 2 # WORKER CRITICAL - vertx DOWN, failing: grp/B (DOWN), HTTP 503 Service Unavailable in T s | 'time'=Ts;;;0
        /k8s/ok                 # 0 # WORKER OK - kubernetes ok, HTTP 200 OK in T s | 'time'=Ts;;;0
        /k8s/verbose            # 0 # WORKER OK - kubernetes livez check passed, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0
        /k8s/failed             # 2 # WORKER CRITICAL - kubernetes livez check failed, failing: etcd (failed: reason withheld), HTTP 500 Internal Server Error in T s | 'time'=Ts;;;0
        /plain                  # 0 # WORKER OK - no status document, HTTP 200 OK in T s | 'time'=Ts;;;0
        /unavailable            # 2 # WORKER CRITICAL - no status document, HTTP 503 Service Unavailable in T s | 'time'=Ts;;;0
        /nothing-here           # 1 # WORKER WARNING - no status document, HTTP 404 Not Found in T s | 'time'=Ts;;;0
        /binary                 # 0 # WORKER OK - no status document, HTTP 200 OK in T s | 'time'=Ts;;;0
        /huge                   # 3 # WORKER UNKNOWN - response body larger than 1048576 bytes
        /huge-chunked           # 3 # WORKER UNKNOWN - response body larger than 1048576 bytes
        """)
    void eachScenarioGivesItsStateAndFirstLine(String path, int code, String firstLine) {
        Run r = run("-u", path);
        assertEquals(firstLine, r.firstLine(), r.output());
        assertEquals(code, r.code(), r.output());
    }

    @ParameterizedTest(name = "{0} is UNKNOWN, not a stack trace")
    @CsvSource({"/garbage, application/json", "/truncated, application/health+json"})
    void unreadableJsonIsUnknownWithTheParsersReason(String path, String type) {
        Run r = run("-u", path);
        assertEquals(3, r.code(), r.output());
        assertTrue(r.firstLine().startsWith("WORKER UNKNOWN - invalid JSON: "), r.output());
        assertTrue(r.firstLine().endsWith(", HTTP 200 OK in T s | 'time'=Ts;;;0"), r.output());
        assertEquals(1, r.output().lines().count(), r.output());
    }

    @Test
    void aForcedFormatThatDoesNotFitIsUnknown() {
        Run r = run("-u", "/binary", "--format", "health");
        assertEquals("WORKER UNKNOWN - body is not JSON, HTTP 200 OK in T s | 'time'=Ts;;;0", r.firstLine());
        r = run("-u", "/k8s/ok", "--format", "spring");
        assertEquals("WORKER UNKNOWN - body is not JSON, HTTP 200 OK in T s | 'time'=Ts;;;0", r.firstLine());
        r = run("-u", "/mp/up", "--format", "dropwizard");
        assertEquals("WORKER UNKNOWN - body is not dropwizard: not an object of {\"healthy\": true|false} entries, HTTP 200 OK in T s | 'time'=Ts;;;0".replace("|false", "/false"), r.firstLine());
        assertEquals(3, r.code());
    }

    @Test
    void aForcedFormatOnAFailedRequestFallsBackToTheHttpStatus() {
        Run r = run("-u", "/nothing-here", "--format", "health");
        assertEquals("WORKER WARNING - no status document, HTTP 404 Not Found in T s | 'time'=Ts;;;0", r.firstLine());
        assertEquals(1, r.code());
    }

    @Test
    void aHungWorkerIsCriticalWithinTheTimeout() {
        Run r = run("-u", "/slow", "-t", "1");
        assertEquals("WORKER CRITICAL - timed out after 1 s", r.firstLine());
        assertEquals(2, r.code());
        assertTrue(r.millis() < 2_000, r.millis() + " ms");
    }

    @Test
    void aTrickledBodyCannotStretchTheDeadline() {
        Run r = run("-u", "/trickle", "-t", "0.8", "--timeout-result", "unknown");
        assertEquals("WORKER UNKNOWN - timed out after 0.8 s", r.firstLine());
        assertEquals(3, r.code());
        assertTrue(r.millis() < 1_800, r.millis() + " ms");
    }

    @Test
    void timeoutResultChangesTheState() {
        Run r = run("-u", "/slow", "-t", "0.3", "--timeout-result", "warning");
        assertEquals("WORKER WARNING - timed out after 0.3 s", r.firstLine());
        assertEquals(1, r.code());
    }

    @Test
    void aRefusedPortIsCriticalNamingIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CheckWorker(CLOCK).run(new String[] {"-H", "127.0.0.1", "-p", String.valueOf(refusedPort)},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("WORKER CRITICAL - connection refused by 127.0.0.1:" + refusedPort + "\n", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(2, code);
    }

    @Test
    void aRelativeCaFileIsReadFromTheGivenWorkingDirectory() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CheckWorker(CLOCK, java.nio.file.Path.of("/nonexistent/checks")).run(
                new String[] {"-H", "127.0.0.1", "--ca-file", "ca.pem"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("WORKER UNKNOWN - usage: cannot read --ca-file /nonexistent/checks/ca.pem: NoSuchFileException:"
                + " /nonexistent/checks/ca.pem (see check_worker --help)\n", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(3, code);
    }

    @Test
    void anUnresolvableNameIsCriticalNamingIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CheckWorker(CLOCK).run(new String[] {"-H", "no-such-host.invalid", "-t", "5"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("WORKER CRITICAL - cannot resolve host name no-such-host.invalid\n", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(2, code);
    }

    @Test
    void aStaleHeartbeatWarnsOrGoesCriticalByItsAge() {
        Run r = run("-u", "/health/pass", "--stale", "worker:heartbeat,warn=3,crit=60");
        assertEquals("WORKER WARNING - health+json pass, 2 checks, worker:heartbeat stale for 5 s, HTTP 200 OK in T s"
                + " | 'time'=Ts;;;0 'worker:heartbeat age'=5s;3;60;0", r.firstLine());
        assertEquals(1, r.code());
        r = run("-u", "/health/pass", "--stale", "worker:heartbeat,crit=4");
        assertEquals(2, r.code(), r.output());
        r = run("-u", "/health/pass", "--stale", "worker:heartbeat,warn=10,crit=60");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("\n[OK] worker:heartbeat age = 5 s\n"), r.output());
    }

    @Test
    void aStaleCheckCanReadANumericAgeOrATimestampByPointer() {
        Run r = run("-u", "/health/fail", "--stale", "/checks/worker:heartbeat/0/observedValue,warn=30,crit=60,label=hb");
        assertTrue(r.firstLine().contains(", /checks/worker:heartbeat/0/observedValue stale for 95 s, "), r.output());
        assertTrue(r.firstLine().endsWith("'hb'=95s;30;60;0"), r.output());
        r = run("-u", "/health/fail", "--stale", "/checks/worker:heartbeat/0/time,crit=60");
        assertTrue(r.firstLine().endsWith("'checks/worker:heartbeat/0/time age'=95s;;60;0"), r.output());
        assertEquals(2, r.code());
    }

    @Test
    void aMissingHeartbeatIsUnknownRatherThanSilentlyOk() {
        Run r = run("-u", "/spring/up", "--stale", "worker:heartbeat,crit=60");
        assertEquals("WORKER UNKNOWN - spring-boot UP, 2 checks, no check worker:heartbeat in the response, HTTP 200 OK in T s | 'time'=Ts;;;0", r.firstLine());
        assertEquals(3, r.code());
    }

    @Test
    void valuesAreCheckedAndBecomePerfdata() {
        Run r = run("-u", "/health/pass", "--value", "/checks/queue:depth/0/observedValue,warn=10,crit=100",
                "--value", "/checks/worker:heartbeat/0/observedValue,label=beat");
        assertEquals("WORKER WARNING - health+json pass, 2 checks, queue:depth 17, HTTP 200 OK in T s"
                + " | 'time'=Ts;;;0 'queue:depth'=17;10;100 'beat'=0.4s", r.firstLine());
        assertEquals(1, r.code());
        r = run("-u", "/mp/up", "--value", "/checks/1/data/pool,crit=@0,uom=c");
        assertEquals("WORKER OK - microprofile UP, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0 'checks/1/data/pool'=5c;;@0", r.firstLine());
    }

    @Test
    void aMissingOrNonNumericValueIsUnknown() {
        Run r = run("-u", "/health/pass", "--value", "/checks/nope/0/observedValue");
        assertEquals("WORKER UNKNOWN - health+json pass, 2 checks, no value at /checks/nope/0/observedValue, HTTP 200 OK in T s | 'time'=Ts;;;0", r.firstLine());
        r = run("-u", "/health/pass", "--value", "/status");
        assertEquals("WORKER UNKNOWN - health+json pass, 2 checks, value at /status is not a number, HTTP 200 OK in T s | 'time'=Ts;;;0", r.firstLine());
    }

    @Test
    void responseTimeThresholds() {
        Run r = run("-u", "/slowish", "-w", "0.1", "-c", "5");
        assertEquals(1, r.code(), r.output());
        assertTrue(r.firstLine().matches("WORKER WARNING - health\\+json pass, 2 checks, response time 0\\.[3-9]\\d* s, HTTP 200 OK in T s \\| 'time'=Ts;0\\.1;5;0"), r.output());
        assertEquals(0, run("-u", "/health/pass", "-w", "5", "-c", "10").code());
    }

    @Test
    void expectStringAndRegexAreCritical() {
        assertEquals("WORKER CRITICAL - health+json pass, 2 checks, HTTP 200 OK not in --expect, HTTP 200 OK in T s | 'time'=Ts;;;0",
                run("-u", "/health/pass", "-e", "204").firstLine());
        assertEquals(0, run("-u", "/health/pass", "-e", "204,200").code());
        assertEquals("WORKER CRITICAL - health+json pass, 2 checks, string 'inbox2' not found, HTTP 200 OK in T s | 'time'=Ts;;;0",
                run("-u", "/health/pass", "-s", "inbox2").firstLine());
        assertEquals(0, run("-u", "/health/pass", "-s", "inbox", "-r", "\"serviceId\":\\s*\"foo\"").code());
        assertEquals(2, run("-u", "/health/pass", "-r", "^nope").code());
    }

    @Test
    void authorizationAndHeadersAreSent() {
        assertEquals(2, run("-u", "/secret").code());
        Run r = run("-u", "/secret", "-a", "user:pass", "-k", "X-Token: t0k3n");
        assertEquals("WORKER OK - health+json pass, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0", r.firstLine());
    }

    @Test
    void anIpv6LiteralIsReachedAndNamedInBracketsInTheHostHeader() throws IOException {
        InetAddress loopback6 = InetAddress.getByName("::1");
        try (ServerSocket probe = new ServerSocket(0, 1, loopback6)) {
            // bound: the machine has IPv6 loopback
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
        }
        String[] host = new String[1];
        try (TestEndpoint v6 = new TestEndpoint(com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(loopback6, 0), 0))) {
            v6.route("/health", exchange -> {
                host[0] = exchange.getRequestHeaders().getFirst("Host");
                TestEndpoint.send(exchange, 200, "application/health+json", HEALTH_PASS);
            });
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int code = new CheckWorker(CLOCK).run(new String[] {"-H", "::1", "-p", String.valueOf(v6.port()), "-v"},
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String output = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, output);
            assertEquals("[::1]:" + v6.port(), host[0], output);
            assertTrue(output.contains("GET http://[::1]:" + v6.port() + "/health -> HTTP 200 OK"), output);
        }
    }

    @Test
    void verbosityAddsTheRequestAndTheBody() {
        Run r = run("-u", "/k8s/ok", "-vv");
        assertTrue(r.output().contains("\nGET http://127.0.0.1:" + endpoint.port() + "/k8s/ok -> HTTP 200 OK, text/plain, 2 chars\nbody: ok\n"), r.output());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
        -w 20:10                           # bad range '20:10': start is greater than end
        --value checks/x                   # bad JSON pointer 'checks/x': it must start with '/'
        --value /x,warn=1,size=3           # bad --value '/x,warn=1,size=3': expected key=value with a key among label, warn, crit, uom, got 'size=3'
        --value /x,uom=files               # bad --value '/x,uom=files': uom must be one of s ms us % B KB MB GB TB c or empty
        --stale worker:heartbeat           # bad --stale 'worker:heartbeat': give warn=SECONDS and/or crit=SECONDS
        --stale worker:heartbeat,crit=x    # bad range 'x': expected [@][start:][end], e.g. 10, 10:, ~:10, 10:20, @10:20
        --format xml                       # bad --format 'xml': expected auto/health/spring/dropwizard/microprofile/vertx/kubernetes/http
        --timeout-result maybe             # --timeout-result must be ok, warning, critical or unknown, not 'maybe'
        -u health                          # bad --url 'health': expected a path starting with '/', without spaces
        -e 2000                            # bad --expect '2000': expected HTTP codes like 200,204
        -k NoColon                         # bad --header 'NoColon': expected 'Name: value'
        -r (                               # bad --regex '(': Unclosed group
        -k Connection:keep-alive           # bad --header 'Connection:keep-alive': check_worker sets Connection itself
        -k transfer-encoding:chunked       # bad --header 'transfer-encoding:chunked': check_worker sets Transfer-Encoding itself
        -t 1e1                             # bad --timeout '1e1': expected a positive number of seconds
        -a nopassword                      # bad --authorization: expected USER:PASSWORD
        """)
    void usageErrorsAreUnknownAndNameTheProblem(String args, String message) {
        Run r = run(args.split(" "));
        assertEquals("WORKER UNKNOWN - usage: " + message + " (see check_worker --help)", r.firstLine().replace("|", "/"));
        assertEquals(3, r.code());
    }
}
