package selfheal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FooTest {
    @TempDir
    Path home;

    private String[] args(String... more) {
        String[] base = {"--home", home.toString(), "--port", "0", "--poll", "0.05"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void movesFilesReportsThemAndStopsCleanlyOnTerm() throws Exception {
        try (RunningFoo foo = new RunningFoo(args())) {
            URI status = foo.awaitReady();
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(home.resolve("foo.pid")));

            Files.writeString(home.resolve("inbox/a.txt"), "a");
            Files.writeString(home.resolve("inbox/b.txt"), "b");
            RunningFoo.await(() -> Files.exists(home.resolve("outbox/b.txt")), Duration.ofSeconds(5), "the move");
            Http answer = Http.get(status);

            assertEquals(200, answer.code());
            assertTrue(answer.body().startsWith("{\n  \"status\": \"pass\""), answer.body());
            assertTrue(answer.body().contains("\"files:moved\": [\n      {\n        \"componentId\": \"foo\",\n"
                    + "        \"observedValue\": 2,\n        \"observedUnit\": \"files\""), answer.body());
            assertTrue(answer.body().contains("\"queue:depth\": [\n      {\n        \"componentId\": \"foo\",\n"
                    + "        \"observedValue\": 0,"), answer.body());
            assertTrue(answer.body().contains("\"files:errors\""), answer.body());
            assertTrue(answer.body().contains("\"worker:heartbeat\""), answer.body());

            assertEquals(Foo.EXIT_OK, foo.terminate());
            assertFalse(Files.exists(home.resolve("foo.pid")), "pidfile removed on a clean stop");
            assertThrows(ConnectException.class, () -> Http.get(status));
        }
    }

    @Test
    void crashByOptionExits70AndLeavesThePidfile() throws Exception {
        try (RunningFoo foo = new RunningFoo(args("--fault", "crash", "--fault-after", "0.2"))) {
            foo.awaitReady();

            assertEquals(Foo.EXIT_CRASH, foo.awaitExit(Duration.ofSeconds(5)));
            assertTrue(Files.exists(home.resolve("foo.pid")));
        }
    }

    @Test
    void crashByFlagFileExits70AndConsumesTheFlag() throws Exception {
        try (RunningFoo foo = new RunningFoo(args())) {
            foo.awaitReady();
            Files.createFile(home.resolve("fault-crash"));

            assertEquals(Foo.EXIT_CRASH, foo.awaitExit(Duration.ofSeconds(5)));
            assertFalse(Files.exists(home.resolve("fault-crash")), "the restarted worker must not crash again");
        }
    }

    @Test
    void hangStopsTheWorkWhileHttpAnswersAStaleHeartbeatWith503() throws Exception {
        try (RunningFoo foo = new RunningFoo(args("--heartbeat-warn", "0.2", "--heartbeat-fail", "0.4"))) {
            URI status = foo.awaitReady();
            assertEquals(200, Http.get(status).code());

            Files.createFile(home.resolve("fault-hang"));
            RunningFoo.await(() -> !Files.exists(home.resolve("fault-hang")), Duration.ofSeconds(5), "the hang");
            Files.writeString(home.resolve("inbox/late.txt"), "x");
            Thread.sleep(600);
            Http answer = Http.get(status);

            assertEquals(503, answer.code());
            assertTrue(answer.body().startsWith("{\n  \"status\": \"fail\""), answer.body());
            assertTrue(answer.body().contains("\"output\": \"no heartbeat for "), answer.body());
            assertTrue(answer.body().contains("\"queue:depth\": [\n      {\n        \"componentId\": \"foo\",\n"
                    + "        \"observedValue\": 1,"), answer.body());
            assertTrue(Files.exists(home.resolve("inbox/late.txt")), "a hung worker moves nothing");
            assertTrue(Thread.getAllStackTraces().values().stream().flatMap(java.util.Arrays::stream)
                    .anyMatch(frame -> frame.getMethodName().equals("parkedByHangFault")),
                    "a thread dump of the hung worker names the method its work loop is parked in");
            assertEquals(Foo.EXIT_OK, foo.terminate(), "a hung loop still stops on TERM");
        }
    }

    @Test
    void slowByOptionAnswersLaterThanAClientTimeout() throws Exception {
        try (RunningFoo foo = new RunningFoo(args("--fault", "slow", "--slow-delay", "2"))) {
            URI status = foo.awaitReady();
            RunningFoo.await(() -> foo.log().contains("fault injected: slow"), Duration.ofSeconds(5), "slow mode");

            assertThrows(SocketTimeoutException.class, () -> Http.get(status, Duration.ofMillis(700)));
            long started = System.nanoTime();
            assertEquals(200, Http.get(status, Duration.ofSeconds(5)).code());
            assertTrue(System.nanoTime() - started >= 1_900_000_000L, "answered in under the slow delay");
        }
    }

    @Test
    void slowByFlagFileIsConsumed() throws Exception {
        try (RunningFoo foo = new RunningFoo(args("--slow-delay", "2"))) {
            URI status = foo.awaitReady();
            Files.createFile(home.resolve("fault-slow"));
            RunningFoo.await(() -> foo.log().contains("fault injected: slow"), Duration.ofSeconds(5), "slow mode");

            assertFalse(Files.exists(home.resolve("fault-slow")));
            assertThrows(SocketTimeoutException.class, () -> Http.get(status, Duration.ofMillis(700)));
        }
    }

    @Test
    void freezeServesTheLastDocumentByteForByteWhileUnfrozenDocumentsMove() throws Exception {
        try (RunningFoo foo = new RunningFoo(args())) {
            URI status = foo.awaitReady();
            String before = Http.get(status).body();
            Thread.sleep(2000);
            assertNotEquals(before, Http.get(status).body(), "a live document moves: heartbeat age and time");

            Files.createFile(home.resolve("fault-freeze"));
            RunningFoo.await(() -> foo.log().contains("fault injected: freeze"), Duration.ofSeconds(5), "the freeze");
            Http first = Http.get(status);
            Thread.sleep(2000);
            long started = System.nanoTime();
            Http second = Http.get(status);

            assertFalse(Files.exists(home.resolve("fault-freeze")), "the restarted worker must not freeze again");
            assertEquals(200, second.code());
            assertTrue(System.nanoTime() - started < 1_000_000_000L, "a frozen document is served at once");
            assertTrue(second.body().startsWith("{\n  \"status\": \"pass\""), second.body());
            assertEquals(first.body(), second.body());
            assertEquals(404, Http.get(status.resolve("/other")).code(), "other paths are not frozen");
            assertEquals(Foo.EXIT_OK, foo.terminate());
        }
    }

    @Test
    void freezeByOptionFreezesTheFirstDocumentWhenNoneWasServedBefore() throws Exception {
        try (RunningFoo foo = new RunningFoo(args("--fault", "freeze"))) {
            URI status = foo.awaitReady();
            RunningFoo.await(() -> foo.log().contains("fault injected: freeze"), Duration.ofSeconds(5), "the freeze");
            Http first = Http.get(status);
            Thread.sleep(2000);

            assertEquals(first.body(), Http.get(status).body());
        }
    }

    @Test
    void startDelayKeepsThePortAndPidfileAwayUntilItIsOver() throws Exception {
        long started = System.nanoTime();
        try (RunningFoo foo = new RunningFoo(args("--start-delay", "0.8"))) {
            foo.awaitReady();

            assertTrue(System.nanoTime() - started >= 800_000_000L, "ready before the start delay was over");
            assertTrue(foo.log().contains("starting in 0.8 s (start delay)"), foo.log());
        }
    }

    @Test
    void slowStartFlagDelaysOneStartByItsSecondsAndIsConsumed() throws Exception {
        Files.writeString(home.resolve("fault-slow-start"), "1.2\n");
        long started = System.nanoTime();
        try (RunningFoo foo = new RunningFoo(args())) {
            foo.awaitReady();

            assertTrue(System.nanoTime() - started >= 1_200_000_000L, "ready before the slow start was over");
            assertFalse(Files.exists(home.resolve("fault-slow-start")), "the next start must be fast");
        }
    }

    @Test
    void anEmptySlowStartFlagMeans45SecondsAndOneThatIsNoNumberIsRefused() throws Exception {
        Faults faults = new Faults(null, Duration.ZERO, Duration.ofSeconds(7), home);
        assertEquals(Duration.ofSeconds(7), faults.startDelay(), "without a flag: --start-delay");

        Files.createFile(home.resolve("fault-slow-start"));
        assertEquals(Duration.ofSeconds(45), faults.startDelay());
        assertEquals(Duration.ofSeconds(7), faults.startDelay(), "consumed by the start it delayed");

        Files.writeString(home.resolve("fault-slow-start"), "soon");
        BadOption e = assertThrows(BadOption.class, faults::startDelay);
        assertEquals(home.resolve("fault-slow-start") + " needs a number of seconds, got 'soon'", e.getMessage());
    }

    @Test
    void refuseStartByOptionOrFlagFileExits78BeforeBindingOrWritingThePidfile() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);

        int byOption = new Foo(hook -> { }).run(stream, stream,
                "--home", home.toString(), "--port", String.valueOf(port), "--fault", "refuse-start");
        Files.createFile(home.resolve("fault-refuse-start"));
        int byFlag = new Foo(hook -> { }).run(stream, stream, "--home", home.toString(), "--port", "0");

        assertEquals(Foo.EXIT_REFUSED, byOption);
        assertEquals(Foo.EXIT_REFUSED, byFlag);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("refusing to start (fault injected: refuse-start)"));
        assertFalse(Files.exists(home.resolve("foo.pid")));
        assertTrue(Files.exists(home.resolve("fault-refuse-start")), "the flag stays until an operator removes it");
        assertThrows(ConnectException.class, () -> Http.get(URI.create("http://127.0.0.1:" + port + "/health")));
    }

    @Test
    void aTakenPortExits69AndSaysWhich() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);

            int code = new Foo(hook -> { }).run(stream, stream,
                    "--home", home.toString(), "--port", String.valueOf(taken.getLocalPort()));

            assertEquals(Foo.EXIT_CANNOT_START, code);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                    "cannot start: cannot listen on 127.0.0.1:" + taken.getLocalPort()), err.toString());
            assertFalse(Files.exists(home.resolve("foo.pid")));
        }
    }

    @Test
    void usageErrorsExit64AndHelpExits0() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);

        assertEquals(Foo.EXIT_USAGE, new Foo(hook -> { }).run(stream, stream, "--fault", "explode"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith(
                "foo: unknown fault 'explode': use crash, hang, slow, freeze or refuse-start\nTry 'foo --help'.\n"));
        out.reset();
        assertEquals(Foo.EXIT_OK, new Foo(hook -> { }).run(stream, stream, "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: foo [OPTION]..."));
    }
}
