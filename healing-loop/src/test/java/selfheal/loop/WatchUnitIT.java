package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * systemd/selfheal-watch.service under real systemd as PID 1, in a Debian 12 container (systemd-nspawn, see
 * {@link NspawnMachine}). The first boot installs it as an operator would: install.sh's files (with PREFIX and
 * CONFDIR moved, so that its path edits in the unit are put to work), the user selfheal, foo in /opt/foo with a
 * unit of its own, and {@code systemctl enable}. The second boot, from the same disk-backed overlay, is the one
 * under test; its steps run in order on the one machine: started at boot, a kill -9 of foo healed, the watch
 * killed and started again by systemd, a reload, a clean stop that leaves foo running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchUnitIT {
    private static final Path CHECKOUT = PrivateStack.checkout();
    private static final String ADDRESS = "127.0.0.5";
    private static final String PREFIX = "/opt/selfheal";
    private static final String LIBDIR = PREFIX + "/lib/selfheal";
    private static final String SHAREDIR = PREFIX + "/share/selfheal";
    private static final String CONFDIR = "/etc/opt/selfheal";
    private static final String UNIT = "selfheal-watch.service";
    private static final String FOO_PIDFILE = "/var/lib/foo/foo.pid";

    private static Path work;
    private static int port;
    private static NspawnMachine machine;

    @BeforeAll
    static void installThenBootAgain() throws Exception {
        double rootSeconds = NspawnMachine.ensureRoot();
        work = Files.createTempDirectory(Path.of("/var/tmp"), "selfheal-unit-");
        // the upper directory's mode becomes that of the container's /: 700 would lock every user but root out
        Path stage = work.resolve("stage");
        Path upper = work.resolve("upper");
        for (Path dir : List.of(work, stage, upper)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        port = freePort();
        stage(stage);

        List<String> disk = new ArrayList<>(List.of("-D", NspawnMachine.ROOT.toString(),
                "--overlay=" + NspawnMachine.ROOT + ":" + upper + ":/"));
        disk.addAll(hostJdk());
        List<String> installing = new ArrayList<>(disk);
        installing.add("--bind-ro=" + stage + ":/mnt/stage");
        installing.add("--bind-ro=" + CHECKOUT.resolve("healing-loop/container") + ":/mnt/container");
        String name = "selfheal-unit-" + ProcessHandle.current().pid();
        long start = System.nanoTime();
        String firstBoot;
        String installed;
        try (NspawnMachine first = NspawnMachine.boot(name, installing, null)) {
            firstBoot = first.bootLine;
            installed = first.sh("/mnt/container/install-inside " + LIBDIR + " " + SHAREDIR + " " + CONFDIR + " 2>&1");
        }
        double installSeconds = (System.nanoTime() - start) / 1e9;
        machine = NspawnMachine.boot(name, disk, work);
        System.out.printf("WatchUnitIT: root %.1f s; first boot %s, installed and powered off in %.1f s; second boot %s%n",
                rootSeconds, firstBoot, installSeconds, machine.bootLine);
        System.out.println("WatchUnitIT: install-inside said: " + installed.replace('\n', ' '));
    }

    @AfterAll
    static void powerOffAndRemove() throws IOException {
        try {
            if (machine != null) {
                System.out.println("WatchUnitIT: power off: " + machine.powerOff());
            }
        } finally {
            if (work != null && Files.exists(work)) { // the guard removes it after the power-off
                try (Stream<Path> files = Files.walk(work)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** install.sh's DESTDIR with the operator's listener.properties in it, and foo as its scripts want it. */
    private static void stage(Path stage) throws IOException, InterruptedException {
        Path config = stage.resolve(CONFDIR.substring(1) + "/listener.properties");
        Files.createDirectories(config.getParent());
        Files.writeString(config, String.join("\n",
                "allow = 127.0.0.1",
                "state.dir = /var/lib/selfheal",
                "audit.log = /var/log/selfheal/audit.log",
                "handler.timeout = 45",
                "command.foo-restart = /opt/foo/bin/restart.sh",
                "command.foo-restart.timeout = 40",
                "command.foo-restart.budget = 3/15m",
                "watch.foo.url = http://" + ADDRESS + ":" + port + "/health",
                "watch.foo.heal = foo-restart",
                "watch.foo.grace = 3",
                ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        Process install = new ProcessBuilder(CHECKOUT.resolve("install.sh").toString(), "DESTDIR=" + stage,
                "PREFIX=" + PREFIX, "CONFDIR=" + CONFDIR).redirectErrorStream(true).start();
        String said = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, install.waitFor(), said);
        String unit = Files.readString(stage.resolve(SHAREDIR.substring(1) + "/systemd/" + UNIT));
        assertTrue(unit.contains("\nExecStart=" + LIBDIR + "/command-listener --watch --config " + CONFDIR
                + "/listener.properties\n"), "install.sh wrote the installed paths into the unit\n" + unit);

        Path bin = stage.resolve("opt/foo/bin");
        Files.createDirectories(bin);
        for (String script : List.of("start.sh", "stop.sh", "restart.sh", "common.sh")) {
            Files.copy(CHECKOUT.resolve("demo-worker/scripts/" + script), bin.resolve(script));
        }
        Files.copy(CHECKOUT.resolve("demo-worker/bin/foo"), bin.resolve("foo"));
        Files.copy(CHECKOUT.resolve("launcher/launch.sh"), bin.resolve("launch.sh"));
        Files.copy(CHECKOUT.resolve("demo-worker/target/demo-worker.jar"), bin.resolve("demo-worker.jar"));
        Files.writeString(bin.resolve("foo.conf"), String.join("\n", "FOO_HOME=/var/lib/foo", "FOO_PORT=" + port,
                "FOO_BIND=" + ADDRESS, "FOO_START_TIMEOUT=30", "FOO_STOP_GRACE=3", ""));
        try (Stream<Path> files = Files.list(bin)) {
            for (Path file : files.toList()) {
                boolean program = List.of("start.sh", "stop.sh", "restart.sh", "foo").contains(file.getFileName().toString());
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(program ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        for (Path dir : List.of(stage.resolve("opt"), stage.resolve("opt/foo"), bin)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** The host's JDKs, read-only, where the launchers look for one. */
    private static List<String> hostJdk() throws IOException {
        List<String> binds = new ArrayList<>(List.of("--bind-ro=/usr/lib/jvm"));
        try (Stream<Path> etc = Files.list(Path.of("/etc"))) {
            // Debian's OpenJDK keeps its configuration there (jvm.cfg, security), linked from the JDK
            etc.filter(p -> p.getFileName().toString().startsWith("java-") && Files.isDirectory(p))
                    .forEach(p -> binds.add("--bind-ro=" + p));
        }
        return binds;
    }

    @Test
    @Order(1)
    void startsAtBootAndWatchesFoo() {
        assertEquals("enabled", machine.exec("systemctl", "is-enabled", UNIT).output().strip(), diagnostics());
        Duration took = Poll.until(Duration.ofSeconds(60), "the watch started at boot to watch foo",
                () -> journal().contains("foo: watching http://" + ADDRESS), WatchUnitIT::diagnostics);
        System.out.println("WatchUnitIT: 'foo: watching' " + took.toMillis() + " ms after the boot finished");
        assertEquals("active", show("ActiveState"), diagnostics());
        assertEquals("selfheal", machine.sh("ps -o user= -p " + show("MainPID")), "the watch runs as its user");
        assertTrue(answersOk(-1), "foo, started at boot by its unit, answers\n" + diagnostics());
    }

    @Test
    @Order(2)
    void healsAKill9OfFoo() throws InterruptedException {
        Thread.sleep(3500); // past the watch's grace at its start
        long pid = fooPid();
        kill9(pid, "foo");
        Duration took = Poll.until(Duration.ofSeconds(40), "a new foo answering after kill -9",
                () -> answersOk(pid), WatchUnitIT::diagnostics);
        Poll.until(Duration.ofSeconds(20), "the watch's heal to end well",
                () -> journal().contains("foo: asked foo-restart: OK foo-restart exit=0 "), WatchUnitIT::diagnostics);
        System.out.println("WatchUnitIT: kill -9 of foo to a new foo answering: " + took.toMillis() + " ms");
    }

    @Test
    @Order(3)
    void systemdStartsTheWatchAgainWhenItIsKilledAndFooOutlivesIt() {
        long foo = fooPid();
        String pid = show("MainPID");
        int restarts = Integer.parseInt(show("NRestarts"));
        int watching = count(journal(), "foo: watching http://");
        kill9(Long.parseLong(pid), "the watch");
        Duration took = Poll.until(Duration.ofSeconds(30), "systemd to start the killed watch again",
                () -> "active".equals(show("ActiveState")) && !List.of("0", pid).contains(show("MainPID")),
                WatchUnitIT::diagnostics);
        System.out.println("WatchUnitIT: watch kill -9 to active again with a new pid: " + took.toMillis() + " ms");
        assertEquals(restarts + 1, Integer.parseInt(show("NRestarts")), diagnostics());
        Duration watches = Poll.until(Duration.ofSeconds(30), "the new watch to watch foo",
                () -> count(journal(), "foo: watching http://") > watching, WatchUnitIT::diagnostics);
        System.out.println("WatchUnitIT: and watching foo again " + watches.toMillis() + " ms later");
        assertTrue(answersOk(-1) && fooPid() == foo,
                "the foo the watch restarted, in the watch's cgroup, outlived the watch\n" + diagnostics());
    }

    @Test
    @Order(4)
    void reloadRereadsTheConfiguration() throws InterruptedException {
        Thread.sleep(1000); // the SIGHUP handler is set up just after the first 'watching'
        String pid = show("MainPID");
        int reloads = count(journal(), "reloaded " + CONFDIR + "/listener.properties: 1 workers watched");
        machine.sh("systemctl reload " + UNIT);
        Poll.until(Duration.ofSeconds(10), "the watch to log that it reloaded",
                () -> count(journal(), "reloaded " + CONFDIR + "/listener.properties: 1 workers watched") > reloads,
                WatchUnitIT::diagnostics);
        assertEquals(pid, show("MainPID"), "reloaded in place, not restarted\n" + diagnostics());
        assertEquals("active", show("ActiveState"), diagnostics());
    }

    @Test
    @Order(5)
    void stopEndsTheWatchCleanlyAndLeavesFooRunning() {
        long foo = fooPid();
        long start = System.nanoTime();
        machine.sh("systemctl stop " + UNIT);
        System.out.printf("WatchUnitIT: systemctl stop took %.2f s%n", (System.nanoTime() - start) / 1e9);
        assertEquals("inactive", show("ActiveState"), diagnostics());
        assertEquals("success", show("Result"), "a clean end, not a failure\n" + diagnostics());
        assertEquals(foo, fooPid(), diagnostics());
        assertTrue(answersOk(-1), "foo, restarted by the watch in the watch's cgroup, runs on\n" + diagnostics());
    }

    /**
     * kill -9 of a process inside. Only a real pid: {@code kill -9 0} would kill the caller's process group,
     * which is the test's own, and -1 every process in the container.
     */
    private static void kill9(long pid, String what) {
        assertTrue(pid > 1, what + " has no pid to kill (" + pid + ")\n" + diagnostics());
        machine.sh("kill -9 " + pid);
    }

    private static String journal() {
        return machine.exec("journalctl", "-b", "-u", UNIT, "-o", "cat", "--no-pager").output();
    }

    private static String show(String property) {
        return machine.sh("systemctl show -p " + property + " --value " + UNIT);
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static long fooPid() {
        String text = machine.exec("cat", FOO_PIDFILE).output().strip();
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    /** Whether foo, a new one if {@code not} is its old pid, answers its status endpoint with HTTP 200. */
    private static boolean answersOk(long not) {
        long pid = fooPid();
        if (pid <= 0 || pid == not || machine.exec("kill", "-0", String.valueOf(pid)).exit() != 0) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ADDRESS, port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("GET /health HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
            return s.getLocalPort();
        }
    }

    private static String diagnostics() {
        return String.join("\n", "--- systemctl status",
                machine.exec("systemctl", "status", "--no-pager", "-n", "0", UNIT, "foo.service").output(),
                "--- journal of the watch", journal(),
                "--- foo.log", machine.exec("tail", "-n", "10", "/var/lib/foo/foo.log").output());
    }
}
