package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The two Debian packages on a fresh Debian 12 under real systemd ({@link NspawnMachine}), installed as the
 * README's "From the Debian packages" says: its marked blocks run inside, in their order, with this test's
 * addresses for the README's examples. Both packages on one host (the worker's and the monitoring server's
 * halves), then an upgrade to a second build with a changed conffile, a remove and a purge. Before that, on the
 * host: two builds of one version are the same bytes, and lintian finds no error or warning. Apt's downloads
 * are kept in {@link #APT_CACHE} across runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagesIT {
    private static final Path CHECKOUT = PrivateStack.checkout();
    private static final Path README = CHECKOUT.resolve("README.md");
    private static final Path APT_CACHE = Path.of("/var/tmp/selfheal-apt-archives");
    private static final String WORKER = "127.0.0.6";
    private static final String MONITOR = "127.0.0.1";
    private static final String CONF = "/etc/selfheal/listener.properties";
    private static final Duration APT = Duration.ofSeconds(600);
    /** Step and seconds, printed at the end. */
    private static final Map<String, Double> TIMES = new LinkedHashMap<>();

    private static Path work;
    private static int port;
    private static NspawnMachine machine;

    @BeforeAll
    static void buildAndBoot() throws Exception {
        TIMES.put("root", NspawnMachine.ensureRoot());
        work = Files.createTempDirectory(Path.of("/var/tmp"), "selfheal-packages-");
        Path upper = work.resolve("upper");
        Path debs = work.resolve("debs");
        for (Path dir : List.of(work, upper, debs, debs.resolve("new"), APT_CACHE)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        long start = System.nanoTime();
        host("packaging/build-debs " + debs + " 0.1.0 2026-12-04T00:00:00Z");
        // The next release: a later version whose listener.properties differs, as a release's may.
        host("packaging/build-debs " + debs.resolve("new") + " 0.1.1 2026-12-05T00:00:00Z"
                + " && cd " + debs.resolve("new") + " && dpkg-deb -R selfheal-listener_0.1.1_all.deb x"
                + " && echo '# 0.1.1: a new default' >> x" + CONF
                + " && (cd x && md5sum etc/selfheal/listener.properties > m && grep -v ' etc/selfheal/listener.properties$'"
                + "     DEBIAN/md5sums >> m; sort -k2 m > DEBIAN/md5sums; rm m)"
                + " && SOURCE_DATE_EPOCH=1796428800 dpkg-deb --root-owner-group -Zxz -b x selfheal-listener_0.1.1_all.deb"
                + " >/dev/null && rm -rf x");
        TIMES.put("build both versions", seconds(start));
        // Reproducible: the same inputs, a second build elsewhere, the same bytes.
        Path again = work.resolve("again");
        host("packaging/build-debs " + again + " 0.1.0 2026-12-04T00:00:00Z && cmp " + again
                + "/selfheal-listener_0.1.0_all.deb " + debs + "/selfheal-listener_0.1.0_all.deb && cmp " + again
                + "/selfheal-plugins_0.1.0_all.deb " + debs + "/selfheal-plugins_0.1.0_all.deb && rm -r " + again);
        start = System.nanoTime();
        host("lintian --fail-on error,warning " + debs + "/*.deb " + debs + "/new/*.deb");
        TIMES.put("lintian", seconds(start));
        port = freePort();
        List<String> args = new ArrayList<>(List.of("-D", NspawnMachine.ROOT.toString(),
                "--overlay=" + NspawnMachine.ROOT + ":" + upper + ":/",
                "--bind=" + APT_CACHE + ":/var/cache/apt/archives",
                "--bind-ro=" + debs + ":/root/debs"));
        start = System.nanoTime();
        machine = NspawnMachine.boot("selfheal-pkg-" + ProcessHandle.current().pid(), args, work);
        TIMES.put("boot", seconds(start));
    }

    @AfterAll
    static void powerOff() {
        if (machine != null) {
            machine.close();
        }
        TIMES.forEach((step, s) -> System.out.printf("PackagesIT: %-28s %6.1f s%n", step, s));
    }

    @Test
    @Order(1)
    void theWorkerHostAsTheReadmeSays() throws Exception {
        timed("worker-listen", () -> readme("worker-listen", Duration.ofSeconds(30)));
        timed("worker-install", () -> readme("worker-install", APT));
        assertEquals("selfheal", machine.sh("stat -c %U /var/lib/selfheal /var/log/selfheal | sort -u"));
        assertTrue(machine.sh("ls /usr/lib/selfheal").contains(".jsa"), "postinst made the start-up archives");
        // The operator's edit: a worker for the watch (nothing answers there; the grace keeps it from healing).
        machine.sh("printf 'watch.foo.url = http://127.0.0.1:9/status\\nwatch.foo.heal = foo-restart\\n"
                + "watch.foo.grace = 600\\n' >> " + CONF);
        timed("worker-check", () -> readme("worker-check", Duration.ofSeconds(60)));

        String before = machine.sh("systemctl show -p NAccepted --value selfheal.socket");
        assertEquals("OK pong", ping(), "the listener answers through selfheal.socket");
        assertEquals(Integer.parseInt(before) + 1,
                Integer.parseInt(machine.sh("systemctl show -p NAccepted --value selfheal.socket")),
                "one connection, one listener (Accept=yes)");
        assertEquals("active", machine.sh("systemctl is-active selfheal-watch.service"));
        assertTrue(machine.sh("journalctl -u selfheal-watch.service -o cat --no-pager").contains("foo"),
                "the watch watches foo");
    }

    @Test
    @Order(2)
    void theResidentListener() throws Exception {
        machine.sh("systemctl disable --now selfheal.socket && systemctl enable --now selfheal-resident.socket");
        assertEquals("OK pong", ping(), "the resident listener answers");
        assertEquals("active", machine.sh("systemctl is-active selfheal-resident.service"));
        assertEquals("OK pong", ping(), "and again, from the same JVM");
        machine.sh("systemctl disable --now selfheal-resident.socket selfheal-resident.service"
                + " && systemctl enable --now selfheal.socket");
        assertEquals("OK pong", ping());
    }

    @Test
    @Order(3)
    void theMonitoringServerAsTheReadmeSays() {
        String installed = timed("server-install", () -> readme("server-install", APT));
        // Running once apt is done, though apt may configure nagios4 (which makes the user) after the package.
        assertEquals("nagios", machine.exec("sh", "-c", "ps -o user= -p $(systemctl show -p MainPID --value "
                + "selfheal-checks.service)").output().strip(), "the check service runs as nagios\n" + installed
                + machine.exec("systemctl", "status", "--no-pager", "selfheal-checks.service").output());
        String verified = timed("server-verify", () -> readme("server-verify", Duration.ofSeconds(120)));
        assertTrue(verified.contains("LISTENER OK"), verified);
        assertTrue(verified.contains("Things look okay"), verified);
    }

    @Test
    @Order(4)
    void anUpgradeKeepsTheEditedConffile() throws IOException {
        String edited = machine.sh("cat " + CONF);
        timed("upgrade", () -> readme("upgrade", "/root/debs/new", APT));
        assertEquals("0.1.1 0.1.1", machine.sh("dpkg-query -W -f '${Version} ' selfheal-listener selfheal-plugins"));
        assertEquals(edited, machine.sh("cat " + CONF), "the edited file is kept");
        assertTrue(machine.sh("cat " + CONF + ".dpkg-dist").contains("# 0.1.1: a new default"),
                "the new one beside it");
        assertEquals("active\nactive\nactive",
                machine.sh("systemctl is-active selfheal.socket selfheal-watch.service selfheal-checks.service"));
        assertEquals("OK pong", ping());
    }

    @Test
    @Order(5)
    void removeStopsAndKeepsTheConfiguration() {
        timed("remove", () -> readme("remove", APT));
        assertFalse(machine.exec("sh", "-c", "systemctl is-active selfheal.socket selfheal-watch.service "
                + "selfheal-checks.service | grep -qx active").exit() == 0, "every service stopped");
        assertTrue(isClosed(), "nothing listens any more");
        machine.sh("test -f " + CONF + " && test -f /etc/nagios4/conf.d/selfheal-commands.cfg && id selfheal");
        machine.sh("! test -e /usr/lib/selfheal && ! test -e /usr/lib/selfheal-plugins");
    }

    @Test
    @Order(6)
    void purgeRemovesUserStateAndLogs() {
        timed("purge", () -> readme("purge", APT));
        for (String gone : List.of("id selfheal", "test -e /var/lib/selfheal", "test -e /var/log/selfheal",
                "test -e " + CONF, "test -e /etc/nagios4/conf.d/selfheal-commands.cfg")) {
            assertTrue(machine.exec("sh", "-c", gone).exit() != 0, "after purge: ! " + gone);
        }
    }

    /** Runs the README's block marked {@code <!-- PackagesIT: name -->} inside, with this test's addresses. */
    private static String readme(String name, Duration limit) {
        return readme(name, "/root/debs", limit);
    }

    /** {@link #readme(String, Duration)} in {@code dir}, where the packages are. */
    private static String readme(String name, String dir, Duration limit) {
        String block = block(name).replace("192.0.2.20", WORKER).replace("192.0.2.10", MONITOR)
                .replace("PORT=5669", "PORT=" + port);
        return machine.sh(limit, "exec 2>&1; cd " + dir + " && set -e\n" + block);
    }

    static String block(String name) {
        try {
            Matcher m = Pattern.compile("<!-- PackagesIT: " + Pattern.quote(name) + " -->\n```sh\n(.*?)```",
                    Pattern.DOTALL).matcher(Files.readString(README));
            assertTrue(m.find(), "README.md has no block " + name);
            return m.group(1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code ping} from the monitoring server's address to the listener. */
    private static String ping() throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(MONITOR, 0));
            s.connect(new InetSocketAddress(WORKER, port), 5000);
            s.setSoTimeout(20_000); // a JVM per connection: its start-up
            OutputStream out = s.getOutputStream();
            out.write("ping\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            return line == null ? "" : line.strip();
        }
    }

    private static boolean isClosed() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(WORKER, port), 2000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private interface Step {
        String run() throws Exception;
    }

    private static String timed(String step, Step body) {
        long start = System.nanoTime();
        try {
            return body.run();
        } catch (Exception e) {
            throw new AssertionError(step, e);
        } finally {
            TIMES.put(step, seconds(start));
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** {@code sh -c script} on the host, in the checkout; fails unless it exits 0. */
    private static void host(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "cd " + CHECKOUT + " && " + script).redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), script);
        assertEquals(0, p.exitValue(), script + ":\n" + new String(out, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(WORKER))) {
            return s.getLocalPort();
        }
    }
}
