package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** nagios-config/selfheal-event-handler run as Nagios runs it: a separate process with an empty environment. */
class EventHandlerIT {
    private static final Path HANDLER = PrivateStack.checkout().resolve("nagios-config/selfheal-event-handler");

    @ParameterizedTest(name = "{0} {1} {2} does not heal")
    @CsvSource({
        "OK,       HARD, 1",
        "OK,       SOFT, 3",
        "WARNING,  HARD, 4",
        "WARNING,  SOFT, 2",
        "UNKNOWN,  HARD, 4",
        "UNKNOWN,  SOFT, 3",
        "CRITICAL, SOFT, 1",
    })
    void statesThatMustNotHealSendNothing(String state, String type, int attempt) throws Exception {
        try (FakeListener listener = new FakeListener("OK foo-restart exit=0 0.10s", 0)) {
            Run run = handler(state, type, String.valueOf(attempt), "127.0.0.1", String.valueOf(listener.port()),
                    "foo-restart");
            assertEquals(0, run.exit(), run.output());
            assertTrue(run.output().startsWith("skip foo-restart@127.0.0.1:"), run.output());
            assertEquals(List.of(), listener.requests());
        }
    }

    @ParameterizedTest(name = "CRITICAL {0} {1} heals")
    @CsvSource({"SOFT, 2", "SOFT, 3", "HARD, 4", "HARD, 1"})
    void criticalFromTheChosenSoftAttemptAndHardHeals(String type, int attempt) throws Exception {
        try (FakeListener listener = new FakeListener("OK foo-restart exit=0 0.10s", 0)) {
            Run run = handler("CRITICAL", type, String.valueOf(attempt), "127.0.0.1",
                    String.valueOf(listener.port()), "foo-restart");
            assertEquals(0, run.exit(), run.output());
            assertTrue(run.output().startsWith("healed foo-restart@127.0.0.1:" + listener.port() + " (CRITICAL "
                    + type + " " + attempt + "): OK foo-restart exit=0 0.10s (handler "), run.output());
            assertEquals(List.of("foo-restart"), listener.requests());
        }
    }

    @Test
    void softAttemptZeroHealsOnHardOnly() throws Exception {
        try (FakeListener listener = new FakeListener("OK foo-restart exit=0 0.10s", 0)) {
            String port = String.valueOf(listener.port());
            assertTrue(handler("-a", "0", "CRITICAL", "SOFT", "3", "127.0.0.1", port, "foo-restart")
                    .output().startsWith("skip"));
            assertTrue(handler("-a", "0", "CRITICAL", "HARD", "4", "127.0.0.1", port, "foo-restart")
                    .output().startsWith("healed"));
            assertEquals(List.of("foo-restart"), listener.requests());
        }
    }

    @ParameterizedTest(name = "reply {0}")
    @CsvSource({
        "'ERR budget-exhausted foo-restart 3/15m'",
        "'ERR failed foo-restart exit=1 0.52s'",
        "'ERR timeout foo-restart 20.01s'",
        "'ERR denied'",
        "'garbage'",
    })
    void anythingButAnOkReplyIsAFailedHealAndTheReplyIsLogged(String reply, @TempDir Path dir) throws Exception {
        try (FakeListener listener = new FakeListener(reply, 0)) {
            Path log = dir.resolve("heal.log");
            Run run = handler("-l", log.toString(), "CRITICAL", "HARD", "4", "127.0.0.1",
                    String.valueOf(listener.port()), "foo-restart");
            assertEquals(2, run.exit(), run.output());
            assertTrue(run.output().startsWith("failed foo-restart@127.0.0.1:" + listener.port()
                    + " (CRITICAL HARD 4): " + reply + " (handler "), run.output());
            String logged = Files.readString(log);
            assertTrue(logged.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z failed .*\n"), logged);
            assertTrue(logged.contains(reply), logged);
        }
    }

    @Test
    void aBusyListenerIsAskedAgainOnceASecondUntilItAnswersSomethingElse() throws Exception {
        try (FakeListener listener = FakeListener.answering("ERR busy foo-restart", "ERR busy foo-restart",
                "OK foo-restart exit=0 0.10s")) {
            long start = System.nanoTime();
            Run run = handler("CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()), "foo-restart");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(0, run.exit(), run.output());
            assertEquals(List.of("foo-restart", "foo-restart", "foo-restart"), listener.requests());
            List<String> lines = run.output().lines().toList();
            assertEquals(3, lines.size(), run.output());
            assertTrue(lines.get(0).startsWith("busy foo-restart@127.0.0.1:" + listener.port()
                    + " (CRITICAL HARD 4): ERR busy foo-restart, asking again in a second (handler "), run.output());
            assertTrue(lines.get(1).startsWith("busy "), run.output());
            assertTrue(lines.get(2).startsWith("healed foo-restart@127.0.0.1:" + listener.port()
                    + " (CRITICAL HARD 4): OK foo-restart exit=0 0.10s (handler "), run.output());
            assertTrue(lines.get(2).endsWith(", try 3)"), run.output());
            assertTrue(seconds >= 2.0 && seconds < 4.0, "three tries a second apart took " + seconds + " s");
        }
    }

    @Test
    void aListenerBusyForTheWholeTimeoutIsGivenUpBeforeTheTimeoutAndTheFailureSaysBusy() throws Exception {
        try (FakeListener listener = FakeListener.answering("ERR busy foo-restart")) {
            long start = System.nanoTime();
            Run run = handler("-t", "3", "CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()),
                    "foo-restart");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(2, run.exit(), run.output());
            List<String> lines = run.output().lines().toList();
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("failed foo-restart@127.0.0.1:" + listener.port()
                    + " (CRITICAL HARD 4): ERR busy foo-restart, still busy when -t 3s was spent (handler "), last);
            assertEquals(3, listener.requests().size(), run.output());
            assertEquals(3, lines.size(), "one line per try:\n" + run.output());
            assertTrue(seconds >= 2.0 && seconds <= 3.5, "gave up after " + seconds + " s, -t 3");
        }
    }

    @Test
    void aSettlingReplyIsSuccessAndLeavesTheRecheckToTheHealThatRan(@TempDir Path dir) throws Exception {
        Path pipe = dir.resolve("nagios.cmd"); // no pipe: a handler that tried to re-check would say so
        try (FakeListener listener = FakeListener.answering("OK foo-restart settling 3.00s")) {
            Run run = handler("-r", "yes", "-f", pipe.toString(), "-n", "foo-host", "-d", "foo worker",
                    "CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()), "foo-restart");
            assertEquals(0, run.exit(), run.output());
            assertTrue(run.output().startsWith("settling foo-restart@127.0.0.1:" + listener.port()
                    + " (CRITICAL HARD 4): healed moments ago, nothing run, re-check left to the retry interval:"
                    + " OK foo-restart settling 3.00s (handler "), run.output());
            assertFalse(run.output().contains("recheck"), run.output());
            assertEquals(List.of("foo-restart"), listener.requests());
        }
    }

    @ParameterizedTest(name = "output {0}")
    @CsvSource(delimiter = '|', value = {
        "(Service check timed out after 20.01 seconds)",
        "<Timeout exceeded.><Terminated by signal 9 (Killed).>",
        "WORKER OK - starting<Timeout exceeded.>",
    })
    void theMonitorsOwnCheckTimeoutHealsNothing(String output) throws Exception {
        try (FakeListener listener = new FakeListener("OK foo-restart exit=0 0.10s", 0)) {
            Run run = handler("-o", output, "CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()),
                    "foo-restart");
            assertEquals(0, run.exit(), run.output());
            assertEquals("skip foo-restart@127.0.0.1:" + listener.port()
                    + " (CRITICAL HARD 4): the monitor's own check timeout, not the worker's: " + output + "\n",
                    run.output());
            assertEquals(List.of(), listener.requests());
        }
    }

    @ParameterizedTest(name = "output {0}")
    @CsvSource(delimiter = '|', value = {
        "WORKER CRITICAL - timed out after 3 s",
        "WORKER CRITICAL - connection refused by 192.0.2.10:8081",
        "''",
    })
    void checkWorkersOwnTimeoutAndOtherFailuresHeal(String output) throws Exception {
        try (FakeListener listener = new FakeListener("OK foo-restart exit=0 0.10s", 0)) {
            Run run = handler("-o", output, "CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()),
                    "foo-restart");
            assertEquals(0, run.exit(), run.output());
            assertTrue(run.output().startsWith("healed"), run.output());
            assertEquals(List.of("foo-restart"), listener.requests());
        }
    }

    @Test
    void anEmptyReplyAsFromXinetdsOnlyFromIsAFailure() throws Exception {
        try (FakeListener listener = new FakeListener("", 0)) {
            Run run = handler("CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()), "foo-restart");
            assertEquals(2, run.exit(), run.output());
            assertTrue(run.output().contains("): no reply within 25s"), run.output());
        }
    }

    @Test
    void aListenerThatNeverAnswersIsGivenUpAfterTheTimeout() throws Exception {
        try (FakeListener listener = new FakeListener("OK foo-restart exit=0 30.00s", 30_000)) {
            long start = System.nanoTime();
            Run run = handler("-t", "2", "CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()),
                    "foo-restart");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(2, run.exit(), run.output());
            assertTrue(run.output().contains("no reply within 2s"), run.output());
            assertTrue(seconds >= 2.0 && seconds < 5.0, "gave up after " + seconds + " s");
        }
    }

    @Test
    void aSlowHealWithinTheTimeoutIsWaitedFor() throws Exception {
        // nc's -w is also its idle timeout; a restart that takes 3 s must not be cut off at a 5 s limit.
        try (FakeListener listener = new FakeListener("OK foo-restart exit=0 3.00s", 3_000)) {
            Run run = handler("-t", "5", "CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()),
                    "foo-restart");
            assertEquals(0, run.exit(), run.output());
            assertTrue(run.output().startsWith("healed"), run.output());
        }
    }

    @Test
    void aRefusedConnectionFailsAtOnceAndSaysSo() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // closed again: nothing listens there now
        }
        long start = System.nanoTime();
        Run run = handler("CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(port), "foo-restart");
        assertEquals(2, run.exit(), run.output());
        assertTrue(run.output().contains("Connection refused"), run.output());
        assertTrue((System.nanoTime() - start) / 1e9 < 3.0, "took too long: " + run.output());
    }

    @Test
    void afterASuccessfulHealItAsksNagiosForAnImmediateRecheck(@TempDir Path dir) throws Exception {
        Path pipe = dir.resolve("nagios.cmd");
        CompletableFuture<String> submitted = readOnce(pipe);
        try (FakeListener listener = new FakeListener("OK foo-restart exit=0 0.10s", 0)) {
            Run run = handler("-r", "yes", "-f", pipe.toString(), "-n", "foo-host", "-d", "foo worker",
                    "CRITICAL", "SOFT", "2", "127.0.0.1", String.valueOf(listener.port()), "foo-restart");
            assertEquals(0, run.exit(), run.output());
            assertTrue(run.output().contains("\nrecheck foo-host;foo worker submitted"), run.output());
        }
        String line = submitted.get(5, TimeUnit.SECONDS);
        assertTrue(line.matches("\\[(\\d+)] SCHEDULE_FORCED_SVC_CHECK;foo-host;foo worker;\\1\n"), line);
    }

    @Test
    void icinga2sRecheckGoesThroughItsApiWithCredentialsFromAFileNeverTheCommandLine(@TempDir Path dir) throws Exception {
        Path certs = PrivateStack.checkout().resolve("scripts/selfheal-certs");
        for (List<String> step : List.of(List.of("ca"), List.of("server", "localhost", "127.0.0.1"))) {
            List<String> command = new ArrayList<>(List.of(certs.toString(), "-d", dir.toString()));
            command.addAll(step);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        }
        com.sun.net.httpserver.HttpsServer api = com.sun.net.httpserver.HttpsServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(selfheal.plugin.Pem.clientContext(
                selfheal.plugin.Pem.privateKey(dir.resolve("server/localhost.key")),
                selfheal.plugin.Pem.certificates(dir.resolve("server/localhost.crt")), null)));
        List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        api.createContext("/v1/actions/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"results\":[{\"code\":200.0}]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        Path credentials = dir.resolve("selfheal-api.curl");
        Files.writeString(credentials, "user = \"selfheal:s3cret\"\ncacert = \"" + dir.resolve("ca.crt") + "\"\n");
        try (FakeListener listener = new FakeListener("OK foo-restart exit=0 0.10s evidence=20261204T010203Z-foo-restart", 0)) {
            Run run = handler("-r", "api", "-i", "https://localhost:" + api.getAddress().getPort(), "-u", credentials.toString(),
                    "-n", "foo-host", "-d", "worker-\"foo\"", "CRITICAL", "SOFT", "2", "127.0.0.1",
                    String.valueOf(listener.port()), "foo-restart");
            assertEquals(0, run.exit(), run.output());
            assertTrue(run.output().contains("\nrecheck foo-host;worker-\"foo\" submitted through the API"), run.output());
            assertTrue(run.output().contains("submitted through the API: evidence 20261204T010203Z-foo-restart kept on 127.0.0.1"),
                    run.output());
        } finally {
            api.stop(0);
        }
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("selfheal:s3cret".getBytes(StandardCharsets.UTF_8));
        String filter = "\"type\":\"Service\",\"filter\":\"host.name==h && service.name==s\","
                + "\"filter_vars\":{\"h\":\"foo-host\",\"s\":\"worker-\\\"foo\\\"\"}";
        assertEquals(List.of(
                "POST /v1/actions/add-comment " + basic + " {" + filter + ",\"author\":\"selfheal\",\"comment\":\"evidence "
                        + "20261204T010203Z-foo-restart kept on 127.0.0.1: command-listener --evidence 20261204T010203Z-foo-restart\"}",
                "POST /v1/actions/reschedule-check " + basic + " {" + filter + ",\"force\":true}"), requests);
    }

    @Test
    void noRecheckIsAskedForAfterAFailedHeal(@TempDir Path dir) throws Exception {
        Path notAPipe = dir.resolve("nagios.cmd");
        try (FakeListener listener = new FakeListener("ERR failed foo-restart exit=1 0.20s", 0)) {
            Run run = handler("-r", "yes", "-f", notAPipe.toString(), "-n", "foo-host", "-d", "foo worker",
                    "CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()), "foo-restart");
            assertEquals(2, run.exit(), run.output());
            assertTrue(!run.output().contains("recheck"), run.output());
        }
    }

    @ParameterizedTest(name = "usage error: {0}")
    @CsvSource(delimiter = '|', value = {
        "five arguments            | CRITICAL HARD 4 127.0.0.1 5669",
        "port out of range         | CRITICAL HARD 4 127.0.0.1 70000 foo-restart",
        "attempt not a number      | CRITICAL HARD x 127.0.0.1 5669 foo-restart",
        "shell in the command      | CRITICAL HARD 4 127.0.0.1 5669 foo;reboot",
        "option-like address       | CRITICAL HARD 4 -e 5669 foo-restart",
        "recheck without pipe      | -r yes CRITICAL HARD 4 127.0.0.1 5669 foo-restart",
        "api without credentials   | -r api -i https://localhost:5665 -n h -d s CRITICAL HARD 4 127.0.0.1 5669 foo-restart",
        "api over plain http       | -r api -i http://localhost:5665 -u f -n h -d s CRITICAL HARD 4 127.0.0.1 5669 foo-restart",
        "bad -a                    | -a two CRITICAL HARD 4 127.0.0.1 5669 foo-restart",
    })
    void usageErrorsExitThreeAndSendNothing(String why, String arguments) throws Exception {
        Run run = handler(arguments.strip().split(" +"));
        assertEquals(3, run.exit(), why + ": " + run.output());
        assertTrue(run.output().startsWith("selfheal-event-handler: "), run.output());
    }

    /** A FIFO at {@code pipe}, read as Nagios reads its command file, until the writer closes. */
    private static CompletableFuture<String> readOnce(Path pipe) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(pipe);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Run handler(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(HANDLER.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear(); // Nagios gives handlers next to no environment
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the handler did not finish: " + output);
        }
        return new Run(process.exitValue(), output);
    }

    private record Run(int exit, String output) {
    }
}
