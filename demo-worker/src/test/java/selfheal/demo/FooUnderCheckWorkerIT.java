package selfheal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, as Nagios sees it: foo started by start.sh, broken through its flag files, judged by the real
 * check_worker launcher with an empty environment, and healed by restart.sh. Each fault mode gives the state
 * README.md documents.
 */
class FooUnderCheckWorkerIT {
    private static final Path SCRIPTS = Path.of("scripts").toAbsolutePath();
    private static final Path CHECK_WORKER = Path.of("../check-worker/bin/check_worker").toAbsolutePath().normalize();

    @TempDir
    Path home;
    private int port;

    record Run(int code, String firstLine, String out) {
    }

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Run start = script("start.sh");
        assertEquals(0, start.code(), start.out());
    }

    @AfterEach
    void stop() throws Exception {
        Files.deleteIfExists(home.resolve("fault-refuse-start"));
        assertEquals(0, script("stop.sh").code());
    }

    private Run script(String name) throws Exception {
        return run(List.of(SCRIPTS.resolve(name).toString()), Map.of("FOO_HOME", home.toString(),
                "FOO_PORT", String.valueOf(port), "FOO_STOP_GRACE", "3",
                "FOO_OPTS", "--heartbeat-warn 1 --heartbeat-fail 4 --slow-delay 5"));
    }

    private Run checkWorker(String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of(CHECK_WORKER.toString(), "-H", "127.0.0.1", "-p",
                String.valueOf(port), "-t", "2"));
        command.addAll(List.of(more));
        return run(command, Map.of());
    }

    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear(); // Nagios and xinetd give a bare environment
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), command + " did not finish");
        return new Run(process.exitValue(), out.lines().findFirst().orElse(""), out);
    }

    private void fault(String flag) throws IOException {
        Files.createFile(home.resolve(flag));
        RunningFoo.await(() -> !Files.exists(home.resolve(flag)), Duration.ofSeconds(5), flag + " to be acted on");
    }

    private void assertHealed() throws Exception {
        Run restart = script("restart.sh");
        assertEquals(0, restart.code(), restart.out());
        Run healed = checkWorker();
        assertEquals(0, healed.code(), healed.out());
    }

    @Test
    void aHealthyFooIsOk() throws Exception {
        Run check = checkWorker("--stale", "worker:heartbeat,warn=1,crit=4");

        assertEquals(0, check.code(), check.out());
        assertTrue(check.firstLine().startsWith("WORKER OK - health+json pass, 4 checks, HTTP 200 OK in "),
                check.firstLine());
        assertTrue(check.firstLine().contains("'worker:heartbeat age'="), check.firstLine());
    }

    @Test
    void aHungFooWarnsThenTurnsCriticalAndRestartHealsIt() throws Exception {
        long hungAt = System.nanoTime();
        fault("fault-hang");
        RunningFoo.await(() -> System.nanoTime() - hungAt > 1_100_000_000L, Duration.ofSeconds(2), "1 s of hang");
        Run warned = checkWorker();
        RunningFoo.await(() -> System.nanoTime() - hungAt > 4_100_000_000L, Duration.ofSeconds(5), "4 s of hang");
        Run failed = checkWorker();

        assertEquals(1, warned.code(), warned.out());
        assertTrue(warned.firstLine().startsWith("WORKER WARNING - health+json warn, failing: worker:heartbeat (warn)"),
                warned.firstLine());
        assertEquals(2, failed.code(), failed.out());
        assertTrue(failed.firstLine().startsWith("WORKER CRITICAL - health+json fail, failing: worker:heartbeat (fail)"),
                failed.firstLine());
        assertHealed();
    }

    @Test
    void aSlowFooIsCriticalTimedOutAndRestartHealsIt() throws Exception {
        fault("fault-slow");

        Run check = checkWorker();

        assertEquals(2, check.code(), check.out());
        assertEquals("WORKER CRITICAL - timed out after 2 s", check.firstLine().split(" \\|")[0]);
        assertHealed();
    }

    @Test
    void aCrashedFooIsCriticalConnectionRefusedAndRestartHealsIt() throws Exception {
        Files.createFile(home.resolve("fault-crash"));
        RunningFoo.await(() -> Files.exists(home.resolve("foo.pid")) && !Files.exists(home.resolve("fault-crash"))
                && !running(home.resolve("foo.pid")), Duration.ofSeconds(10), "the crash");

        Run check = checkWorker();

        assertEquals(2, check.code(), check.out());
        assertEquals("WORKER CRITICAL - connection refused by 127.0.0.1:" + port, check.firstLine().split(" \\|")[0]);
        assertHealed();
    }

    @Test
    void aFooThatRefusesToStartStaysCriticalUntilTheFlagIsRemoved() throws Exception {
        Files.createFile(home.resolve("fault-refuse-start"));

        Run restart = script("restart.sh");
        Run check = checkWorker();

        assertEquals(1, restart.code(), restart.out());
        assertTrue(restart.out().contains("foo: failed to start (exit status 78)"), restart.out());
        assertEquals(2, check.code(), check.out());
        assertEquals("WORKER CRITICAL - connection refused by 127.0.0.1:" + port, check.firstLine().split(" \\|")[0]);

        Files.delete(home.resolve("fault-refuse-start"));
        assertHealed();
    }

    private static boolean running(Path pidfile) {
        try {
            String pid = Files.readString(pidfile).trim();
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }
}
