package selfheal.check.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import selfheal.check.worker.CheckWorker;

/** The check service on a real loopback socket, asked by a real client socket, as its launchers ask it. */
class CheckServiceTest {

    static final String TOKEN = "0123456789abcdef";

    /** What the recording program was asked: one entry per run. */
    final List<String> runs = Collections.synchronizedList(new ArrayList<>());
    final CheckService.Program recording = (args, out, directory) -> {
        runs.add(String.join("|", args) + " in " + directory);
        out.println("RECORDED - " + args.length + " arguments");
        return args.length > 0 && args[0].equals("fail") ? 2 : 0;
    };
    /** A check that runs until the test lets it end, then prints "HELD DONE" and exits 1. */
    static final class HeldCheck implements CheckService.Program {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public int run(String[] args, PrintStream out, Path directory) {
            running.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.println("HELD DONE");
            return 1;
        }

        void awaitRunning() throws InterruptedException {
            assertTrue(running.await(10, TimeUnit.SECONDS), "the held check did not start");
        }
    }

    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    ServerSocket server;
    /** What serve() returned, once it has. */
    volatile Integer served;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** Starts a service with these programs and threads on 127.0.0.1 port 0, serving on a thread of its own. */
    void start(Map<String, CheckService.Program> programs, int threads) throws IOException {
        start(programs, threads, OwnJar.NONE);
    }

    void start(Map<String, CheckService.Program> programs, int threads, OwnJar jar) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CheckService service = new CheckService(programs, TOKEN, jar, threads, new PrintStream(log, true, StandardCharsets.UTF_8));
        Thread serving = new Thread(() -> {
            try {
                served = service.serve(server);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "service under test");
        serving.setDaemon(true);
        serving.start();
    }

    /** Sends these lines, each ended by a newline, and returns everything the service answers until it closes. */
    String ask(String... lines) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsCheckWorkerAndAnswersItsExitCodeThenExactlyItsOutput() throws Exception {
        HttpServer worker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        worker.createContext("/health", exchange -> {
            byte[] body = "{\"status\":\"fail\",\"output\":\"work loop stuck\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/health+json");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        worker.start();
        try {
            start(CheckService.PROGRAMS, 2);
            String port = String.valueOf(worker.getAddress().getPort());
            String reply = ask(TOKEN, "check_worker", "/", "4", "-H", "127.0.0.1", "-p", port);

            ByteArrayOutputStream direct = new ByteArrayOutputStream();
            int code = new CheckWorker(InstantSource.system(), Path.of("/"))
                    .run(new String[] {"-H", "127.0.0.1", "-p", port}, new PrintStream(direct, true, Charset.defaultCharset()));
            assertEquals(2, code);
            assertEquals("2\n" + withoutTimes(direct.toString(Charset.defaultCharset())), withoutTimes(reply));
            assertTrue(reply.startsWith("2\nWORKER CRITICAL - health+json fail"), reply);
        } finally {
            worker.stop(0);
        }
    }

    static String withoutTimes(String output) {
        return output.replaceAll("in [0-9.]+ s", "in T s").replaceAll("'time'=[0-9.]+s", "'time'=Ts");
    }

    @Test
    void runsCheckListenerToo() throws Exception {
        start(CheckService.PROGRAMS, 1);
        try (ServerSocket refusing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int closedPort = refusing.getLocalPort();
            refusing.close();
            String reply = ask(TOKEN, "check_listener", "/", "4", "-H", "127.0.0.1", "-p", String.valueOf(closedPort));
            assertEquals("2\nLISTENER CRITICAL - connection refused by 127.0.0.1:" + closedPort + "\n", reply);
        }
    }

    @Test
    void aUsageErrorIsTheCheckersUnknownNotARefusal() throws Exception {
        start(CheckService.PROGRAMS, 1);
        assertEquals("3\nWORKER UNKNOWN - usage: Unrecognized option: --bogus (see check_worker --help)\n",
                ask(TOKEN, "check_worker", "/", "1", "--bogus"));
    }

    @Test
    void passesEveryArgumentAsSentEmptyOnesAndSpacesIncludedWithTheClientsDirectory() throws Exception {
        start(Map.of("rec", recording), 1);
        assertEquals("0\nRECORDED - 4 arguments\n", ask(TOKEN, "rec", "/home/op/checks", "4", "-a", "", "two words", " "));
        assertEquals(List.of("-a||two words|  in /home/op/checks"), runs);
        assertEquals("2\nRECORDED - 1 arguments\n", ask(TOKEN, "rec", "/", "1", "fail"));
        assertEquals("0\nRECORDED - 0 arguments\n", ask(TOKEN, "rec", "/", "0"));
    }

    @Test
    void aWrongTokenRunsNothingAndIsLogged() throws Exception {
        start(Map.of("rec", recording), 1);
        assertEquals("REFUSED wrong token\n", ask("not-the-token", "rec", "/", "0"));
        assertEquals("REFUSED wrong token\n", ask(TOKEN + "0", "rec", "/", "0"));
        assertEquals("REFUSED wrong token\n", ask("", "rec", "/", "0"));
        assertEquals(List.of(), runs);
        assertTrue(log().contains("check-service: REFUSED wrong token"), log());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an unknown program   | elsewhere | /      | 0  | | REFUSED no program elsewhere",
            "a relative directory | rec       | tmp    | 0  | | REFUSED working directory is not absolute",
            "a NUL in the directory | rec     | /a\u0000b | 0 | | REFUSED working directory is no path: Nul character not allowed",
            "a count not a number | rec       | /      | x  | | REFUSED argument count is not a number",
            "a negative count     | rec       | /      | -1 | | REFUSED argument count out of range: -1",
            "too many arguments   | rec       | /      | 257| | REFUSED argument count out of range: 257",
            "fewer arguments      | rec       | /      | 2  | a | REFUSED request ended before its argument 2",
    })
    void aRequestThatIsNotOneOfOursRunsNothing(String scenario, String program, String directory, String count,
            String argument, String refusal) throws Exception {
        start(Map.of("rec", recording), 1);
        List<String> lines = new ArrayList<>(List.of(TOKEN, program, directory, count));
        if (argument != null) {
            lines.add(argument);
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            socket.getOutputStream().write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput(); // the request ends here, whatever it promised
            assertEquals(refusal + "\n", new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of(), runs);
    }

    @Test
    void aProgramThatThrowsAfterAllIsRefusedSoItsLauncherRunsItAndTheServiceCarriesOn() throws Exception {
        CheckService.Program broken = (args, out, directory) -> {
            out.println("half a line");
            throw new IllegalStateException("bug");
        };
        start(Map.of("broken", broken, "rec", recording), 1);
        assertEquals("REFUSED internal error in broken: java.lang.IllegalStateException: bug\n", ask(TOKEN, "broken", "/", "0"));
        assertEquals("0\nRECORDED - 0 arguments\n", ask(TOKEN, "rec", "/", "0"));
    }

    @Test
    void whenItsJarIsReplacedItRunsNoMoreChecksLetsTheRunningOnesAnswerAndStops(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("check-worker.jar"), "the jar it started with");
        HeldCheck held = new HeldCheck();
        start(Map.of("rec", recording, "held", held), 2, OwnJar.at(jar));
        assertEquals("0\nRECORDED - 0 arguments\n", ask(TOKEN, "rec", "/", "0"));
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<String> inFlight = client.submit(() -> ask(TOKEN, "held", "/", "0"));
            held.awaitRunning();

            Path upgrade = Files.writeString(dir.resolve("upgrade.jar"), "the jar of an upgrade");
            Files.move(upgrade, jar, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("REFUSED " + jar + " was replaced; stopping, to be started anew with it\n", ask(TOKEN, "rec", "/", "0"));
            assertEquals(1, runs.size(), "ran a check with the old code: " + runs);
            Thread.sleep(200);
            assertEquals(null, served, "stopped before the check in flight had answered");

            held.release.countDown();
            assertEquals("1\nHELD DONE\n", inFlight.get(10, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (served == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(CheckService.EXIT_REPLACED, served);
            assertTrue(server.isClosed());
        } finally {
            held.release.countDown();
            client.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rewritten in place", "touched", "removed", "moved over"})
    void ownJarSeesEveryWayOfReplacingIt(String how, @TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("check-worker.jar"), "version 1");
        // As installed a while ago: a rewrite now cannot fall within the same tick of the file system's clock.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        OwnJar own = OwnJar.at(jar);
        assertFalse(own.replaced());
        switch (how) {
            case "rewritten in place" -> Files.writeString(jar, "version 2"); // same inode and size, new mtime
            case "touched" -> Files.setLastModifiedTime(jar, FileTime.fromMillis(0));
            case "removed" -> Files.delete(jar);
            default -> Files.move(Files.writeString(dir.resolve("new.jar"), "version 1"), jar,
                    StandardCopyOption.REPLACE_EXISTING); // same size, another inode
        }
        assertTrue(own.replaced(), how);
    }

    @Test
    void aServiceNotRunFromAJarWatchesNothing() {
        assertFalse(OwnJar.of(CheckServiceTest.class).replaced()); // tests run from target/test-classes
        assertEquals(null, OwnJar.of(CheckServiceTest.class).path());
    }

    @Test
    void aRequestLongerThan64KiBIsRefused() throws Exception {
        start(Map.of("rec", recording), 1);
        assertEquals("REFUSED request longer than 65536 bytes\n", ask(TOKEN, "rec", "/", "1", "x".repeat(70_000)));
        assertEquals(List.of(), runs);
    }

    @Test
    void aSilentClientIsDroppedAfterTheRequestTimeAndItsThreadServesTheNext() throws Exception {
        start(Map.of("rec", recording), 1);
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            silent.setSoTimeout(10_000);
            long start = System.nanoTime();
            String reply = new String(silent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(reply.startsWith("REFUSED no whole request within 2000 ms"), reply);
            assertTrue(millis >= CheckService.REQUEST_MILLIS - 100 && millis < 8_000, millis + " ms");
        }
        assertEquals("0\nRECORDED - 0 arguments\n", ask(TOKEN, "rec", "/", "0"));
    }

    @Test
    void whenEveryThreadIsRunningACheckTheNextIsToldBusyAtOnce() throws Exception {
        HeldCheck held = new HeldCheck();
        start(Map.of("held", held, "rec", recording), 1);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<String> first = client.submit(() -> ask(TOKEN, "held", "/", "0"));
            held.awaitRunning();
            long start = System.nanoTime();
            assertEquals("BUSY\n", ask(TOKEN, "rec", "/", "0"));
            assertTrue((System.nanoTime() - start) / 1_000_000 < 1_000, "BUSY took long");
            held.release.countDown();
            assertEquals("1\nHELD DONE\n", first.get(10, TimeUnit.SECONDS));
            assertEquals(List.of(), runs);
            assertTrue(log().contains("BUSY: all 1 threads are running checks"), log());
        } finally {
            held.release.countDown();
            client.shutdownNow();
        }
    }

    @Test
    void servesManyClientsAtOnceEachWithItsOwnAnswer() throws Exception {
        CheckService.Program echo = (args, out, directory) -> {
            out.println("ECHO " + args[0]);
            return Integer.parseInt(args[0]) % 4;
        };
        start(Map.of("echo", echo), 8);
        ExecutorService clients = Executors.newFixedThreadPool(8); // never more at once than the service has threads
        try {
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String n = String.valueOf(i);
                replies.add(clients.submit(() -> ask(TOKEN, "echo", "/", "1", n)));
            }
            for (int i = 0; i < 40; i++) {
                assertEquals((i % 4) + "\nECHO " + i + "\n", replies.get(i).get(30, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--bogus            | Unrecognized option: --bogus",
            "--threads 0        | --threads must be 1 to 1024, got 0",
            "--threads many     | For input string: \"many\"",
            "extra              | unexpected argument 'extra'",
    })
    void aBadCommandLineIsAUsageErrorWithExitCode2(String args, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CheckService.run(args.split(" "), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertEquals("check-service: " + message + "; " + CheckService.USAGE + "\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsTheUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, CheckService.run(new String[] {"--help"}, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals(CheckService.USAGE + "\n", err.toString(StandardCharsets.UTF_8));
    }
}
