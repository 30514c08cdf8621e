package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import selfheal.check.service.CheckService;

/**
 * The check service as a real process (bin/check-service) and the real plugin launchers as Nagios runs them,
 * with a bare environment but for the state file's path. Where a check must have run in the service, the
 * launcher is given a java that does not exist: a check that ran in a JVM of its own could not answer.
 */
class CheckServiceIT {

    static final String NO_JAVA = "/nonexistent/bin/java";
    static TestEndpoint endpoint;
    static Path dir;
    static Service service;

    /** A check-service process and its state file. */
    record Service(Process process, Path stateFile, Path log) {
        static Service start(Path dir, String name) throws Exception {
            return start(LauncherIT.BIN, dir, name);
        }

        /** Starts bin/check-service as found in {@code bin}. */
        static Service start(Path bin, Path dir, String name) throws Exception {
            Path state = dir.resolve(name);
            Path log = dir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(bin.resolve("check-service").toString(),
                    "--state-file", state.toString(), "--threads", "4");
            pb.environment().clear(); // as systemd starts it: no JAVA_HOME, no PATH of ours
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process process = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(state)) {
                assertTrue(process.isAlive(), "check-service exited: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "no state file after 30 s: " + Files.readString(log));
                Thread.sleep(20);
            }
            return new Service(process, state, log);
        }

        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        endpoint = new TestEndpoint()
                .route("/health", 200, "application/health+json", CheckWorkerTest.HEALTH_PASS)
                .route("/down", 503, "application/health+json", CheckWorkerTest.HEALTH_FAIL);
        dir = Files.createTempDirectory("check-service-it");
        service = Service.start(dir, "service");
    }

    @AfterAll
    static void stop() throws Exception {
        service.stop();
        endpoint.close();
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    static String port() {
        return String.valueOf(endpoint.port());
    }

    static LauncherIT.Result inService(String plugin, String... args) throws Exception {
        return LauncherIT.launch(Map.of("SELFHEAL_CHECK_SERVICE", service.stateFile().toString(), "SELFHEAL_JAVA", NO_JAVA),
                plugin, args);
    }

    static LauncherIT.Result withState(Path stateFile, String plugin, String... args) throws Exception {
        return LauncherIT.launch(Map.of("SELFHEAL_CHECK_SERVICE", stateFile.toString()), plugin, args);
    }

    static LauncherIT.Result inOwnJvm(String plugin, String... args) throws Exception {
        return LauncherIT.launch(Map.of("SELFHEAL_CHECK_SERVICE", ""), plugin, args);
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aCheckRunsInTheServiceWithoutAJvmOfItsOwn() throws Exception {
        LauncherIT.Result r = inService("check_worker", "-H", "127.0.0.1", "-p", port(), "-u", "/health");
        assertEquals(0, r.code(), r.stdout() + r.stderr());
        assertTrue(r.firstLine().startsWith("WORKER OK - health+json pass, 2 checks, HTTP 200 OK in T s"), r.stdout());
        assertEquals("", r.stderr());
    }

    /** Whatever the arguments, the service answers exactly what the plugin answers in a JVM of its own. */
    @ParameterizedTest
    @ValueSource(strings = {
            "-u /health -v",
            "-u /down",
            "-u /health --stale worker:heartbeat,warn=60 --value /checks/queue:depth/0/observedValue,crit=10",
            "-u /health -c 10:1",
            "-u /health --bogus",
            "--help",
            "-V",
            "-H no-such-host.invalid",
    })
    void answersExactlyAsTheJvmOfItsOwnDoes(String options) throws Exception {
        List<String> args = new ArrayList<>(List.of("-H", "127.0.0.1", "-p", port()));
        args.addAll(List.of(options.split(" ")));
        String[] argv = args.toArray(String[]::new);
        LauncherIT.Result service = inService("check_worker", argv);
        LauncherIT.Result own = inOwnJvm("check_worker", argv);
        assertEquals(own.code(), service.code(), service.stdout());
        assertEquals(normalised(own.stdout()), normalised(service.stdout()));
        assertEquals("", service.stderr());
    }

    static String normalised(String output) {
        return output.replaceAll("in [0-9.]+ s", "in T s").replaceAll("'time'=[0-9.]+s", "'time'=Ts")
                .replaceAll("('time'=Ts;[^;]*;[^;]*;0);10", "$1").replaceAll(" 'size'=[0-9]+B;;;0", "")
                .replaceAll("age'=[0-9.]+s", "age'=As").replaceAll("(age =|stale for) [0-9.]+ s", "$1 A s");
    }

    @Test
    void checkListenerRunsInTheServiceToo() throws Exception {
        int closed = closedPort();
        LauncherIT.Result r = inService("check_listener", "-H", "127.0.0.1", "-p", String.valueOf(closed));
        assertEquals("LISTENER CRITICAL - connection refused by 127.0.0.1:" + closed, r.firstLine());
        assertEquals(2, r.code());
    }

    @Test
    void anArgumentWithANewlineRunsInAJvmOfItsOwn() throws Exception {
        String header = "X-Note: two\nlines";
        LauncherIT.Result tried = inService("check_worker", "-H", "127.0.0.1", "-p", port(), "-k", header);
        assertEquals(127, tried.code(), "went to the service: " + tried.stdout());
        assertTrue(tried.stderr().contains(NO_JAVA), tried.stderr());
        LauncherIT.Result r = withState(service.stateFile(), "check_worker", "-H", "127.0.0.1", "-p", port(), "-k", header);
        assertEquals(inOwnJvm("check_worker", "-H", "127.0.0.1", "-p", port(), "-k", header).stdout(), r.stdout());
        assertEquals(3, r.code(), r.stdout());
    }

    /**
     * A service answers BUSY (or stops for a new jar) before it reads the request. The check's launcher may then
     * write to a connection already closed: strace holds its first write back for 0.2 s, so that it always
     * does. That must end in its fallback (here: no Java), never in SIGPIPE (exit 141).
     */
    @Test
    void aServiceThatAnswersBeforeReadingSendsTheCheckToItsOwnJvmNeverKillsIt() throws Exception {
        try (ServerSocket hasty = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                try (java.net.Socket client = hasty.accept()) {
                    client.getOutputStream().write("BUSY\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed by the test
                }
            }, "hasty service");
            answering.start();
            Path state = dir.resolve("hasty");
            Files.writeString(state, hasty.getLocalPort() + " " + "a".repeat(64) + "\n");
            ProcessBuilder pb = new ProcessBuilder("strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=none",
                    "-e", "inject=write:delay_enter=200000:when=1", LauncherIT.BIN.resolve("check_worker").toString(),
                    "-H", "127.0.0.1", "-p", port(), "-u", "/health", "-v");
            pb.environment().clear();
            pb.environment().putAll(Map.of("SELFHEAL_CHECK_SERVICE", state.toString(), "SELFHEAL_JAVA", NO_JAVA));
            Process p = pb.redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(127, p.exitValue(), "not the fallback: " + out);
            assertTrue(out.contains(NO_JAVA), out);
            answering.join(10_000);
        }
    }

    @Test
    void anEmptyStateFileVariableTurnsTheServiceOff() throws Exception {
        LauncherIT.Result r = LauncherIT.launch(Map.of("SELFHEAL_CHECK_SERVICE", "", "SELFHEAL_JAVA", NO_JAVA),
                "check_worker", "-H", "127.0.0.1", "-p", port());
        assertEquals(127, r.code(), "went to the service: " + r.stdout());
    }

    /** Whoever wrote the state file decides what a check answers: one that is not the caller's own is ignored. */
    @Test
    void aStateFileOfAnotherUserIsNeverTrusted() throws Exception {
        Path foreign = dir.resolve("foreign");
        Files.copy(service.stateFile(), foreign); // the right port and token, but not the caller's file
        Files.setOwner(foreign, foreign.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        LauncherIT.Result r = LauncherIT.launch(Map.of("SELFHEAL_CHECK_SERVICE", foreign.toString(), "SELFHEAL_JAVA", NO_JAVA),
                "check_worker", "-H", "127.0.0.1", "-p", port(), "-u", "/health");
        assertEquals(127, r.code(), "went to the service: " + r.stdout());
        assertTrue(r.stderr().contains(NO_JAVA), r.stderr());
    }

    @Test
    void aWrongTokenIsRefusedAndTheCheckRunsInAJvmOfItsOwn() throws Exception {
        String port = Files.readString(service.stateFile()).split(" ")[0];
        Path forged = dir.resolve("forged");
        Files.writeString(forged, port + " " + "0".repeat(64) + "\n");
        LauncherIT.Result r = withState(forged, "check_worker", "-H", "127.0.0.1", "-p", port(), "-u", "/health");
        assertEquals(0, r.code(), r.stdout());
        assertTrue(r.firstLine().startsWith("WORKER OK - health+json pass"), r.stdout());
        assertTrue(Files.readString(service.log()).contains("check-service: REFUSED wrong token"), Files.readString(service.log()));
    }

    @Test
    void aStateFileWithNobodyListeningFallsBackToAJvmOfItsOwn() throws Exception {
        Path stale = dir.resolve("stale");
        Files.writeString(stale, closedPort() + " " + "f".repeat(64) + "\n");
        LauncherIT.Result r = withState(stale, "check_worker", "-H", "127.0.0.1", "-p", port(), "-u", "/down");
        assertEquals(2, r.code(), r.stdout());
        assertTrue(r.firstLine().startsWith("WORKER CRITICAL - health+json fail"), r.stdout());
        assertEquals("", r.stderr());
    }

    @Test
    void servesChecksFromManyLaunchersAtOnce() throws Exception {
        ExecutorService nagios = Executors.newFixedThreadPool(4); // the service under test has 4 threads
        try {
            List<Future<LauncherIT.Result>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String path = i % 2 == 0 ? "/health" : "/down";
                results.add(nagios.submit(() -> inService("check_worker", "-H", "127.0.0.1", "-p", port(), "-u", path)));
            }
            for (int i = 0; i < 16; i++) {
                LauncherIT.Result r = results.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(i % 2 == 0 ? 0 : 2, r.code(), i + ": " + r.stdout() + r.stderr());
            }
        } finally {
            nagios.shutdownNow();
        }
    }

    /** The shipped unit, with ExecStart pointed at this checkout, passes systemd's own checker unchanged. */
    @Test
    void theShippedUnitPassesSystemdAnalyzeVerify() throws Exception {
        Path units = Files.createDirectories(dir.resolve("units"));
        Path unit = units.resolve("selfheal-checks.service");
        Files.writeString(unit, Files.readString(Path.of("../systemd/selfheal-checks.service"))
                .replace("/usr/local/lib/selfheal/check-service", LauncherIT.BIN.resolve("check-service").toString()));
        try {
            Process verify = new ProcessBuilder("systemd-analyze", "verify", "--man=no", "./selfheal-checks.service")
                    .directory(units.toFile()).redirectErrorStream(true).start();
            String out = new String(verify.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(verify.waitFor(30, TimeUnit.SECONDS));
            assertEquals("", out);
            assertEquals(0, verify.exitValue());
        } finally {
            Files.delete(unit);
            Files.delete(units);
        }
    }

    /**
     * Installed as install.sh lays it out (launchers, launch.sh and jar side by side), the service stops when
     * an upgrade replaces its jar, rather than go on answering with the old code: systemd starts it anew.
     */
    @Test
    void aReplacedJarStopsTheServiceAndMeanwhileChecksRunInJvmsOfTheirOwn() throws Exception {
        Path installed = Files.createDirectories(dir.resolve("installed"));
        for (String program : List.of("check-service", "check-service-client", "check_worker")) {
            Files.copy(LauncherIT.BIN.resolve(program), installed.resolve(program), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.copy(Path.of("../launcher/launch.sh"), installed.resolve("launch.sh"));
        Path jar = installed.resolve("check-worker.jar");
        Files.copy(Path.of("target/check-worker.jar"), jar);
        Service upgraded = Service.start(installed, dir, "upgraded");
        try {
            Map<String, String> env = Map.of("SELFHEAL_CHECK_SERVICE", upgraded.stateFile().toString(), "SELFHEAL_JAVA", NO_JAVA);
            assertEquals(0, LauncherIT.launch(env, installed.resolve("check_worker"), "-H", "127.0.0.1", "-p", port(), "-u", "/health").code());

            Path upgrade = Files.copy(jar, installed.resolve("check-worker.jar.new"));
            Files.move(upgrade, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LauncherIT.Result r = LauncherIT.launch(env, installed.resolve("check_worker"), "-H", "127.0.0.1", "-p", port(), "-u", "/health");
            assertEquals(127, r.code(), "the service answered with its old jar: " + r.stdout());
            assertTrue(upgraded.process().waitFor(10, TimeUnit.SECONDS), "the service did not stop");
            assertEquals(CheckService.EXIT_REPLACED, upgraded.process().exitValue());
            assertFalse(Files.exists(upgraded.stateFile()), "it left its state file");
            assertTrue(Files.readString(upgraded.log()).contains(jar + " was replaced; stopping"), Files.readString(upgraded.log()));
        } finally {
            upgraded.stop();
            try (var files = Files.list(installed)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(installed);
        }
    }

    @Test
    void stoppedItRemovesItsStateFileAndKilledItLeavesChecksWorking() throws Exception {
        Service stopped = Service.start(dir, "stopped");
        stopped.stop();
        assertFalse(Files.exists(stopped.stateFile()), "SIGTERM left the state file");

        Service killed = Service.start(dir, "killed");
        killed.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertTrue(Files.exists(killed.stateFile()));
        LauncherIT.Result r = withState(killed.stateFile(), "check_worker", "-H", "127.0.0.1", "-p", port(), "-u", "/health");
        assertEquals(0, r.code(), r.stdout() + r.stderr());
        assertEquals("", r.stderr());
    }
}
