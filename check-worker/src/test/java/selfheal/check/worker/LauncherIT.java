package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Black-box: runs bin/check_worker and bin/check_listener as separate processes with an empty
 * environment, as Nagios does, and asserts exit code, exact first line and a silent stderr.
 */
class LauncherIT {

    static final Path BIN = Path.of("bin").toAbsolutePath();
    static TestEndpoint endpoint;

    @BeforeAll
    static void start() throws IOException {
        endpoint = new TestEndpoint()
                .route("/health", 200, "application/health+json", CheckWorkerTest.HEALTH_PASS.replace("2026-11-25T09:00:00Z",
                        java.time.Instant.now().toString()))
                .route("/down", 503, "application/health+json", CheckWorkerTest.HEALTH_FAIL);
    }

    @AfterAll
    static void stop() {
        endpoint.close();
    }

    record Result(int code, String stdout, String stderr) {
        String firstLine() {
            return stdout.lines().findFirst().orElse("").replaceAll(" in [0-9.]+ s", " in T s").replaceAll("'time'=[0-9.]+s", "'time'=Ts")
                    .replaceAll("('time'=Ts;[^;]*;[^;]*;0);10", "$1").replaceAll(" 'size'=[0-9]+B;;;0", "");
        }
    }

    static Result launch(String plugin, String... args) throws Exception {
        return launch(Map.of(), plugin, args);
    }

    /** Runs the plugin with only {@code env} in its environment. */
    static Result launch(Map<String, String> env, String plugin, String... args) throws Exception {
        return launch(env, BIN.resolve(plugin), args);
    }

    /** Runs the program at this path with only {@code env} in its environment. */
    static Result launch(Map<String, String> env, Path program, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear(); // Nagios and xinetd give a bare environment
        // ...in which a launcher would use a check service running on this machine: these tests are about
        // the JVM of the check's own (CheckServiceIT is about the service).
        pb.environment().put("SELFHEAL_CHECK_SERVICE", "");
        pb.environment().putAll(env);
        Path err = Files.createTempFile("launcher-it", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "plugin did not finish");
        String stderr = Files.readString(err);
        Files.delete(err);
        return new Result(p.exitValue(), out, stderr);
    }

    @Test
    void checkWorkerReportsAHealthyWorker() throws Exception {
        Result r = launch("check_worker", "-H", "127.0.0.1", "-p", String.valueOf(endpoint.port()),
                "--stale", "worker:heartbeat,warn=30,crit=120");
        assertEquals(0, r.code(), r.stdout());
        assertTrue(r.firstLine().startsWith("WORKER OK - health+json pass, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0 'worker:heartbeat age'="), r.stdout());
        assertEquals("", r.stderr());
    }

    /** The launcher finds its jar however Nagios names it: by path, relatively, through a symlink, or bare. */
    @ParameterizedTest
    @ValueSource(strings = {"absolute", "relative", "symlink", "bare-name"})
    void checkWorkerRunsHoweverItIsCalled(String how) throws Exception {
        Path link = Files.createTempDirectory("launcher-it").resolve("check_worker");
        try {
            ProcessBuilder pb = switch (how) {
                case "absolute" -> new ProcessBuilder(BIN.resolve("check_worker").toString());
                case "relative" -> new ProcessBuilder("bin/check_worker");
                case "symlink" -> new ProcessBuilder(Files.createSymbolicLink(link, BIN.resolve("check_worker")).toString());
                default -> new ProcessBuilder("sh", "check_worker").directory(BIN.toFile());
            };
            pb.command().addAll(List.of("-H", "127.0.0.1", "-p", String.valueOf(endpoint.port())));
            pb.environment().clear();
            Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "plugin did not finish");
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.startsWith("WORKER OK - health+json pass"), out);
        } finally {
            Files.deleteIfExists(link);
            Files.delete(link.getParent());
        }
    }

    /** Every JDK 17 or later under /usr/lib/jvm, one home per version, as the launcher would find them. */
    static Stream<Path> jdks() throws IOException {
        Map<String, Path> byVersion = new TreeMap<>();
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : homes.filter(h -> Files.isRegularFile(h.resolve("release"))).toList()) {
                for (String line : Files.readAllLines(home.resolve("release"))) {
                    if (line.matches("JAVA_VERSION=\"(1[7-9]|[2-9][0-9])[.\"].*")) {
                        byVersion.putIfAbsent(line, home.toRealPath());
                    }
                }
            }
        }
        return byVersion.values().stream();
    }

    /**
     * A healthy check never reads java.security, 58 KiB parsed interpreted at every start: JDK 25's InetAddress
     * asks for jdk.includeInExceptions while it initialises, and the launcher answers as a system property.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void aHealthyCheckParsesNoJavaSecurity(Path home) throws Exception {
        Path classes = Files.createTempFile("launcher-it", ".classes");
        try {
            Result r = launch(Map.of("SELFHEAL_JAVA", home.resolve("bin/java").toString(),
                            "SELFHEAL_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
                    "check_worker", "-H", "127.0.0.1", "-p", String.valueOf(endpoint.port()));
            assertEquals(0, r.code(), r.stdout());
            String loaded = Files.readString(classes);
            assertTrue(loaded.contains("] selfheal.check.worker.HttpProbe "), "no class log from " + home);
            assertFalse(loaded.contains("] java.security.Security "), home + " loaded java.security.Security");
        } finally {
            Files.delete(classes);
        }
    }

    /**
     * A TLS check gets the C1 compiler, whose handshake is several times faster than interpreted; every other
     * check runs interpreted. -XshowSettings:properties prints the VM's mode on stderr, and the plugin still
     * runs: against a closed port, so that each check ends at once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-S", "--ssl", "--ca-file=/nonexistent.pem", "--ca-file /nonexistent.pem", "-u /health"})
    void aTlsCheckRunsCompiledAndAPlainOneInterpreted(String option) throws Exception {
        int refused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refused = s.getLocalPort();
        }
        List<String> args = new ArrayList<>(List.of("-H", "127.0.0.1", "-p", String.valueOf(refused)));
        args.addAll(List.of(option.split(" ")));
        Result r = launch(Map.of("SELFHEAL_JAVA_OPTS", "-XshowSettings:properties"), "check_worker",
                args.toArray(String[]::new));
        String mode = option.startsWith("-u") ? "interpreted mode" : "mixed mode";
        assertTrue(r.stderr().contains("java.vm.info = " + mode), option + ": " + r.stderr());
        assertTrue(r.firstLine().startsWith("WORKER "), r.stdout());
    }

    @Test
    void checkWorkerReportsAFailedWorkerAndARefusedPort() throws Exception {
        Result r = launch("check_worker", "-H", "127.0.0.1", "-p", String.valueOf(endpoint.port()), "-u", "/down");
        assertEquals(2, r.code(), r.stdout());
        assertEquals("WORKER CRITICAL - health+json fail, failing: output (fail), worker:heartbeat (fail), HTTP 503 Service Unavailable in T s | 'time'=Ts;;;0", r.firstLine());
        int refused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refused = s.getLocalPort();
        }
        r = launch("check_worker", "-H", "127.0.0.1", "-p", String.valueOf(refused));
        assertEquals("WORKER CRITICAL - connection refused by 127.0.0.1:" + refused, r.firstLine());
        assertEquals(2, r.code());
    }

    @Test
    void helpVersionAndUsageErrorsExitThree() throws Exception {
        Result help = launch("check_worker", "--help");
        assertEquals(3, help.code());
        assertTrue(help.stdout().startsWith("check_worker v"), help.stdout());
        assertTrue(help.stdout().contains("usage: check_worker -H HOST | -I ADDRESS"), help.stdout());
        assertTrue(help.stdout().contains("--timeout-result <STATE>"), help.stdout());
        Result version = launch("check_listener", "-V");
        assertEquals(3, version.code());
        assertTrue(version.stdout().matches("check_listener v(\\d+\\.\\d+\\.\\d+\\S*) \\(selfheal \\1\\)\n"), version.stdout());
        Result usage = launch("check_worker", "-H", "127.0.0.1", "-c", "10:1");
        assertEquals("WORKER UNKNOWN - usage: bad range '10:1': start is greater than end (see check_worker --help)", usage.firstLine());
        Result nothing = launch("check_worker");
        assertEquals("WORKER UNKNOWN - usage: -H/--hostname is required (see check_worker --help)", nothing.firstLine());
        assertEquals(3, nothing.code());
        assertEquals(3, usage.code());
        assertEquals("", usage.stderr());
    }

    @Test
    void checkListenerGetsPong() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket client = server.accept(); OutputStream out = client.getOutputStream()) {
                    while (client.getInputStream().read() != '\n') {
                        // read the request line
                    }
                    out.write("OK pong\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on the plugin's output instead
                }
            });
            answer.setDaemon(true);
            answer.start();
            Result r = launch("check_listener", "-H", "127.0.0.1", "-p", String.valueOf(server.getLocalPort()));
            assertEquals("LISTENER OK - pong from 127.0.0.1:" + server.getLocalPort() + " in T s | 'time'=Ts;;;0", r.firstLine());
            assertEquals(0, r.code());
            answer.join(2_000);
        }
    }
}
