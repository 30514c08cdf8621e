package selfheal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * start.sh, stop.sh and restart.sh as real processes, with the bare environment xinetd gives (no PATH, no
 * JAVA_HOME), each test with its own home directory and a free port.
 */
class FooScriptsIT {
    private static final Path SCRIPTS = Path.of("scripts").toAbsolutePath();

    @TempDir
    Path home;
    private int port;
    private final Map<String, String> env = new HashMap<>();
    private final List<Process> helpers = new ArrayList<>();

    record Run(int code, String out, String err, long millis) {
    }

    @BeforeEach
    void freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        env.put("FOO_HOME", home.toString());
        env.put("FOO_PORT", String.valueOf(port));
        env.put("FOO_STOP_GRACE", "3");
    }

    @AfterEach
    void stopEverything() throws Exception {
        env.remove("FOO_CONFIG"); // a test may have left it broken on purpose
        Run stop = script("stop.sh");
        assertEquals(0, stop.code(), "cleanup: " + stop.err());
        for (Process helper : helpers) {
            helper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Run script(String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(SCRIPTS.resolve(name).toString());
        builder.environment().clear(); // as under xinetd: the scripts must set PATH and find Java themselves
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process process = builder.start();
        process.getOutputStream().close();
        // Reading to end of file proves the worker holds neither pipe: a worker that inherited them would
        // keep these reads (and an xinetd client) waiting for as long as it runs.
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), name + " did not finish");
        return new Run(process.exitValue(), out, err, (System.nanoTime() - started) / 1_000_000);
    }

    private long pidfilePid() throws IOException {
        return Long.parseLong(Files.readString(home.resolve("foo.pid")).trim());
    }

    private URI status() {
        return URI.create("http://127.0.0.1:" + port + "/health");
    }

    // PID 1 here reaps orphans lazily, so a worker that exited may linger as a zombie: that is dead.
    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && !zombie(String.valueOf(pid));
    }

    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        // after "(comm)": state ppid pgrp session
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    private Process helper(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        helpers.add(process);
        return process;
    }

    @Test
    void startRunsADetachedWorkerThatAnswersAndStopEndsIt() throws Exception {
        Run start = script("start.sh");

        assertEquals(0, start.code(), start.err());
        long pid = pidfilePid();
        assertEquals("foo started (pid " + pid + ", status http://127.0.0.1:" + port + "/health)\n", start.out());
        assertTrue(alive(pid));
        assertEquals(200, Http.get(status()).code());
        assertEquals(pid, sessionOf(pid), "the worker leads a session of its own");
        assertTrue(Files.readString(home.resolve("foo.log")).contains("ready: status at http://127.0.0.1:" + port));

        Run stop = script("stop.sh");

        assertEquals(0, stop.code(), stop.err());
        assertEquals("foo stopped (pid " + pid + ")\n", stop.out());
        assertFalse(alive(pid));
        assertFalse(Files.exists(home.resolve("foo.pid")));
        assertThrows(ConnectException.class, () -> Http.get(status()));
    }

    @Test
    void startWhileRunningKeepsTheSameWorker() throws Exception {
        script("start.sh");
        long pid = pidfilePid();

        Run again = script("start.sh");

        assertEquals(0, again.code());
        assertEquals("foo already running (pid " + pid + ")\n", again.out());
        assertEquals(pid, pidfilePid());
    }

    @Test
    void restartGivesANewWorkerThatAnswers() throws Exception {
        script("start.sh");
        long before = pidfilePid();

        Run restart = script("restart.sh");

        assertEquals(0, restart.code(), restart.err());
        long after = pidfilePid();
        assertNotEquals(before, after);
        assertFalse(alive(before));
        assertTrue(alive(after));
        assertEquals(200, Http.get(status()).code());
    }

    @Test
    void restartStartsAWorkerThatCrashedAndLeftItsPidfile() throws Exception {
        script("start.sh");
        long crashed = pidfilePid();
        Files.createFile(home.resolve("fault-crash"));
        RunningFoo.await(() -> !alive(crashed), Duration.ofSeconds(10), "the crash");
        assertEquals(crashed, pidfilePid(), "a crashed worker leaves its pidfile");

        Run restart = script("restart.sh");

        assertEquals(0, restart.code(), restart.err());
        assertTrue(restart.out().startsWith("foo not running (pid " + crashed + " is gone; stale pidfile removed)\n"),
                restart.out());
        assertEquals(200, Http.get(status()).code());
    }

    @Test
    void stopWithoutAPidfileOrWithADeadPidSucceeds() throws Exception {
        Run none = script("stop.sh");
        Process gone = helper("true");
        gone.waitFor();
        Files.writeString(home.resolve("foo.pid"), gone.pid() + "\n");
        Run stale = script("stop.sh");

        assertEquals(0, none.code());
        assertTrue(none.out().startsWith("foo not running (no pidfile "), none.out());
        assertEquals(0, stale.code());
        assertEquals("foo not running (pid " + gone.pid() + " is gone; stale pidfile removed)\n", stale.out());
        assertFalse(Files.exists(home.resolve("foo.pid")));
    }

    @Test
    void aZombieCountsAsDeadForStopAndStart() throws Exception {
        // A parent that never reaps its exited child: the child stays a zombie, and kill -0 still succeeds on it.
        Path childPid = home.resolve("child.pid");
        helper("python3", "-c", "import os, sys, time\n"
                + "pid = os.fork()\n"
                + "if pid == 0: os._exit(0)\n"
                + "open(sys.argv[1], 'w').write(str(pid))\n"
                + "time.sleep(60)\n", childPid.toString());
        RunningFoo.await(() -> Files.exists(childPid) && zombie(childPid), Duration.ofSeconds(10), "the zombie");
        Files.copy(childPid, home.resolve("foo.pid"));
        long zombie = pidfilePid();

        Run stop = script("stop.sh");

        assertEquals(0, stop.code());
        assertEquals("foo not running (pid " + zombie + " is gone; stale pidfile removed)\n", stop.out());
        assertTrue(stop.millis() < 2000, "stop waited " + stop.millis() + " ms on a zombie");

        Files.copy(childPid, home.resolve("foo.pid"));
        Run start = script("start.sh");

        assertEquals(0, start.code(), start.err());
        assertNotEquals(zombie, pidfilePid());
        assertEquals(200, Http.get(status()).code());
    }

    private static boolean zombie(Path pidFile) {
        try {
            String pid = Files.readString(pidFile).trim();
            return !pid.isEmpty() && zombie(pid);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean zombie(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    void stopNeverSignalsAPidReusedByAnotherProgram() throws Exception {
        Process other = helper("sleep", "60");
        Files.writeString(home.resolve("foo.pid"), other.pid() + "\n");

        Run stop = script("stop.sh");

        assertEquals(0, stop.code());
        assertEquals("foo not running (pid " + other.pid() + " is another program; stale pidfile removed)\n",
                stop.out());
        assertTrue(other.isAlive());
    }

    @Test
    void stopEscalatesToKillWhenTermIsIgnored() throws Exception {
        env.put("FOO_STOP_GRACE", "1");
        Path ready = home.resolve("ready");
        // Its command line names foo's main class, as the real worker's does.
        Process stubborn = helper("python3", "-c", "import signal, sys, time\n"
                + "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                + "open(sys.argv[1], 'w').close()\n"
                + "time.sleep(60)\n", ready.toString(), "selfheal.demo.Foo");
        RunningFoo.await(() -> Files.exists(ready), Duration.ofSeconds(10), "the stubborn process");
        Files.writeString(home.resolve("foo.pid"), stubborn.pid() + "\n");

        Run stop = script("stop.sh");

        assertEquals(0, stop.code(), stop.err());
        assertEquals("foo: pid " + stubborn.pid() + " still running 1 s after TERM; sending KILL\n", stop.err());
        assertTrue(stop.millis() >= 1000, "KILL came after " + stop.millis() + " ms, before the grace period");
        assertTrue(stubborn.waitFor(5, TimeUnit.SECONDS));
        assertFalse(Files.exists(home.resolve("foo.pid")));
    }

    @Test
    void startFailsClearlyWhenTheWorkerRefusesToStart() throws Exception {
        env.put("FOO_OPTS", "--fault refuse-start");

        Run start = script("start.sh");

        assertEquals(1, start.code());
        assertTrue(start.err().startsWith("foo: failed to start (exit status 78); last lines of "), start.err());
        assertTrue(start.err().contains("refusing to start (fault injected: refuse-start)"), start.err());
        assertTrue(start.millis() < 10_000, "took " + start.millis() + " ms");
        assertFalse(Files.exists(home.resolve("foo.pid")));
    }

    @Test
    void startGivesUpAfterItsTimeoutAndStopsTheLaggard() throws Exception {
        Path launcher = home.resolve("never-ready");
        Files.writeString(launcher, "#!/bin/sh\nexec sleep 60\n");
        launcher.toFile().setExecutable(true);
        env.put("FOO_LAUNCHER", launcher.toString());
        env.put("FOO_START_TIMEOUT", "1");

        Run start = script("start.sh");

        assertEquals(1, start.code());
        assertTrue(start.err().startsWith("foo: not ready within 1 s (no pidfile "), start.err());
        assertTrue(start.millis() < 5000, "took " + start.millis() + " ms");
        long laggard = Long.parseLong(start.err().replaceAll("(?s).*stopped pid (\\d+);.*", "$1"));
        assertFalse(alive(laggard));
    }

    @Test
    void startGivesUpOnTheClockAndLeavesNoWorkerBehind() throws Exception {
        env.put("FOO_OPTS", "--start-delay 30");
        env.put("FOO_START_TIMEOUT", "2");

        Run start = script("start.sh");

        assertEquals(1, start.code(), start.err());
        assertTrue(start.err().startsWith("foo: not ready within 2 s (no pidfile "), start.err());
        assertTrue(start.millis() >= 2000 && start.millis() <= 2600, "gave up after " + start.millis() + " ms");
        assertEquals(List.of(), fooProcesses());
        assertFalse(Files.exists(home.resolve("foo.pid")));
    }

    /** As the listener's watchdog ends a script that overran: TERM to its process group, 1 s, then KILL. */
    @ParameterizedTest
    @ValueSource(strings = {"start.sh", "restart.sh"})
    void termToTheScriptsProcessGroupMidStartLeavesNoWorkerBehind(String name) throws Exception {
        env.put("FOO_OPTS", "--start-delay 30");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/setsid", SCRIPTS.resolve(name).toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("script.out").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process script = builder.start();
        helpers.add(script);
        RunningFoo.await(() -> !fooProcesses().isEmpty(), Duration.ofSeconds(10), "foo to be started");
        long pgid = script.pid();
        assertEquals(pgid, processGroupOf(script.pid()), "setsid made the script lead its own group");

        helper("/bin/kill", "-TERM", "--", "-" + pgid).waitFor();
        Thread.sleep(1000);
        helper("/bin/kill", "-KILL", "--", "-" + pgid).waitFor();
        Thread.sleep(2000);

        assertEquals(List.of(), fooProcesses(), Files.readString(home.resolve("script.out")));
        assertFalse(Files.exists(home.resolve("foo.pid")));
    }

    @Test
    void termToStopsProcessGroupDuringTheGraceStillEndsTheWorker() throws Exception {
        env.put("FOO_STOP_GRACE", "30");
        Path ready = home.resolve("ready");
        Path termed = home.resolve("termed");
        Process stubborn = helper("python3", "-c", "import signal, sys, time\n"
                + "signal.signal(signal.SIGTERM, lambda *_: open(sys.argv[2], 'w').close())\n"
                + "open(sys.argv[1], 'w').close()\n"
                + "time.sleep(60)\n", ready.toString(), termed.toString(), "selfheal.demo.Foo");
        RunningFoo.await(() -> Files.exists(ready), Duration.ofSeconds(10), "the stubborn process");
        Files.writeString(home.resolve("foo.pid"), stubborn.pid() + "\n");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/setsid", SCRIPTS.resolve("stop.sh").toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("stop.out").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process stop = builder.start();
        helpers.add(stop);
        RunningFoo.await(() -> Files.exists(termed), Duration.ofSeconds(10), "stop.sh to send TERM");

        helper("/bin/kill", "-TERM", "--", "-" + stop.pid()).waitFor();
        Thread.sleep(1000);
        helper("/bin/kill", "-KILL", "--", "-" + stop.pid()).waitFor();

        assertTrue(stubborn.waitFor(1, TimeUnit.SECONDS), Files.readString(home.resolve("stop.out")));
        assertFalse(Files.exists(home.resolve("foo.pid")));
    }

    @Test
    void aSlowStarterWithinTheTimeoutComesUpAndOnlyOnce() throws Exception {
        Files.writeString(home.resolve("fault-slow-start"), "3");
        env.put("FOO_START_TIMEOUT", "10");

        Run slow = script("start.sh");

        assertEquals(0, slow.code(), slow.err());
        assertTrue(slow.millis() >= 3000, "ready after " + slow.millis() + " ms, before the slow start was over");
        assertFalse(Files.exists(home.resolve("fault-slow-start")));
        assertEquals(200, Http.get(status()).code());

        assertEquals(0, script("stop.sh").code());
        Run again = script("start.sh");

        assertEquals(0, again.code(), again.err());
        assertTrue(again.millis() < 3000, "the second start took " + again.millis() + " ms");
    }

    /** The pids of foo processes started with this test's home directory, from ps (zombies have no args). */
    private List<String> fooProcesses() {
        try {
            Process ps = new ProcessBuilder("ps", "-eo", "pid=,args=").redirectErrorStream(true).start();
            String list = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ps.waitFor();
            return list.lines()
                    .filter(line -> line.contains("selfheal.demo.Foo") && line.contains("--home " + home + " "))
                    .map(line -> line.trim().split(" +")[0])
                    .toList();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static long processGroupOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }

    @Test
    void settingsComeFromTheConfigFileAndTheEnvironmentWins() throws Exception {
        Path config = home.resolve("foo.conf");
        Files.writeString(config, "# test\nFOO_PORT=1\n  FOO_OPTS=\"--name bar\"\n\n");
        env.put("FOO_CONFIG", config.toString());

        Run start = script("start.sh");

        assertEquals(0, start.code(), start.err());
        assertTrue(Http.get(status()).body().contains("\"serviceId\": \"bar\""));

        Files.writeString(config, "FOO_COLOUR=red\n");
        Run bad = script("start.sh");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("foo: " + config + " line 1: unknown setting 'FOO_COLOUR'"), bad.err());
    }
}
