package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lock-out targets for the resident listener, the launch mode README.md names for exposed networks, with
 * the listener's default limits: with 50 silent connections from other allowed hosts (127.0.0.3-.7) open, the
 * Nagios server's (127.0.0.2) ping is answered within 2 s, under systemd's socket ({@code
 * systemd-socket-activate --inetd}, as the selfheal-resident units hand it over) and under the shipped
 * xinetd.d/selfheal-resident; and under systemd's socket, a flood from a host outside the allow list
 * (127.0.0.9) never stops its pings for 1 s. Every client loop has a deadline; the listener is stopped after
 * each test.
 */
class LockoutIT {
    private static final String NAGIOS = "127.0.0.2";
    private static final String[] OTHERS = {"127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7"};
    private static final String OUTSIDER = "127.0.0.9";

    Path dir;
    Path config;
    int port;
    final List<Process> started = new ArrayList<>();
    final List<Thread> clients = new ArrayList<>();
    final AtomicBoolean stop = new AtomicBoolean();

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("selfheal-lockout-it-");
        Path state = Files.createDirectory(dir.resolve("state"));
        config = dir.resolve("listener.properties");
        // The defaults for read.timeout and resident.*: what is measured is what ships.
        Files.writeString(config, String.join("\n",
                "allow = " + NAGIOS + ", " + String.join(", ", OTHERS),
                "state.dir = " + state,
                "audit.log = " + dir.resolve("audit.log"),
                "command.foo-restart = " + ListenerFixture.script("record.sh"),
                "command.foo-restart.args = " + dir.resolve("restarts"),
                "command.foo-restart.settle = 0",
                ""));
        port = ListenerStackIT.freePort();
    }

    @AfterEach
    void tearDown() throws Exception {
        stop.set(true);
        for (Thread client : clients) {
            client.join(5000);
        }
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (!Boolean.getBoolean("selfheal.it.keep")) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket-activate-resident", "xinetd-resident"})
    void fiftySilentConnectionsFromOtherHostsDoNotKeepTheNagiosServerOut(String mode) throws Exception {
        start(mode);
        assertEquals("OK pong", ping(NAGIOS, 5000)); // the resident listener is running: its start is not measured
        for (int i = 0; i < 50; i++) {
            String source = OTHERS[i % OTHERS.length];
            client(() -> holdSilent(source));
        }
        Thread.sleep(1500);
        for (int i = 0; i < 3; i++) {
            long begin = System.nanoTime();
            String reply = ping(NAGIOS, 10_000);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            assertEquals("OK pong", reply, "after " + millis + " ms");
            assertTrue(millis < 2000, "answered after " + millis + " ms with 50 silent connections open");
            Thread.sleep(300);
        }
    }

    /**
     * Only where the listener accepts from a backlog of the kernel's size (systemd, 4096 here): xinetd listens
     * with a backlog of 64, which a flood on this host fills faster than any listener accepts, so the Nagios
     * server's SYN is dropped and retried after 1 s (bench/README.md, "Lock-out").
     */
    @ParameterizedTest
    @ValueSource(strings = {"socket-activate-resident"})
    void aFloodFromOutsideTheAllowListNeverStopsTheNagiosServerForASecond(String mode) throws Exception {
        start(mode);
        assertEquals("OK pong", ping(NAGIOS, 5000));
        long begin = System.nanoTime();
        long floodEnd = begin + Duration.ofSeconds(3).toNanos();
        long end = floodEnd + Duration.ofSeconds(2).toNanos();
        AtomicLong flood = new AtomicLong();
        for (int i = 0; i < 8; i++) {
            client(() -> {
                while (!stop.get() && System.nanoTime() < floodEnd) {
                    try (Socket s = open(OUTSIDER, 1000)) {
                        flood.incrementAndGet();
                    } catch (IOException e) {
                        // refused or timed out: on with the flood
                    }
                }
            });
        }
        long last = begin;
        long longest = 0;
        int answered = 0;
        while (System.nanoTime() < end) {
            long asked = System.nanoTime();
            if (ping(NAGIOS, 3000).equals("OK pong")) {
                answered++;
                longest = Math.max(longest, System.nanoTime() - last);
                last = System.nanoTime();
            }
            long pause = asked + 100_000_000L - System.nanoTime();
            if (pause > 0) {
                Thread.sleep(pause / 1_000_000);
            }
        }
        longest = Math.max(longest, System.nanoTime() - last);
        long millis = TimeUnit.NANOSECONDS.toMillis(longest);
        assertTrue(flood.get() > 100, "the flood made only " + flood.get() + " connections");
        assertTrue(millis < 1000, "pings stopped for " + millis + " ms during a flood of " + flood.get()
                + " connections (" + answered + " answered)");
    }

    /** The resident listener in MODE on 127.0.0.1:port. */
    private void start(String mode) throws Exception {
        Path log = dir.resolve(mode + ".log");
        List<String> command;
        String ready;
        if (mode.equals("xinetd-resident")) {
            Path conf = dir.resolve("xinetd.conf");
            Files.writeString(conf, "defaults\n{\n}\n" + xinetdService());
            command = List.of(XinetdIT.XINETD.toString(), "-dontfork", "-f", conf.toString(), "-pidfile",
                    dir.resolve("xinetd.pid").toString(), "-filelog", log.toString());
            ready = "Started working: 1 available service";
        } else {
            command = List.of("systemd-socket-activate", "-l", "127.0.0.1:" + port, "--inetd",
                    ListenerStackIT.LAUNCHER.toString(), "--config", config.toString());
            ready = "Listening on 127.0.0.1:" + port;
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (mode.equals("xinetd-resident")) {
            pb.redirectOutput(dir.resolve(mode + ".out").toFile());
        } else {
            pb.redirectOutput(log.toFile());
        }
        started.add(pb.start());
        ListenerStackIT.awaitText(log, ready, Duration.ofSeconds(10));
    }

    /** The shipped xinetd.d/selfheal-resident as it is, but UNLISTED on the free port, as this user, this checkout. */
    private String xinetdService() throws IOException {
        StringBuilder text = new StringBuilder("service selfheal\n{\n");
        for (String line : Files.readAllLines(ResidentXinetdIT.SHIPPED_RESIDENT)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("service") || t.equals("{") || t.equals("}")) {
                continue;
            }
            String key = t.split("\\s*=", 2)[0].strip();
            if (!List.of("user", "group", "server", "server_args").contains(key)) {
                text.append(line).append('\n');
            }
        }
        return text.append("    type = UNLISTED\n    port = ").append(port).append("\n    bind = 127.0.0.1\n")
                .append("    user = ").append(System.getProperty("user.name")).append('\n')
                .append("    server = ").append(ListenerStackIT.LAUNCHER).append('\n')
                .append("    server_args = --config ").append(config).append("\n}\n").toString();
    }

    private void client(Runnable body) {
        Thread t = new Thread(body, "lockout-client");
        t.setDaemon(true);
        t.start();
        clients.add(t);
    }

    /** One silent connection from SOURCE, opened again 0.1 s after the listener closes it, until the test ends. */
    private void holdSilent(String source) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!stop.get() && System.nanoTime() < end) {
            try (Socket s = open(source, 3000)) {
                s.setSoTimeout(100);
                InputStream in = s.getInputStream();
                byte[] sink = new byte[64];
                while (!stop.get() && System.nanoTime() < end) {
                    try {
                        if (in.read(sink) < 0) {
                            break;
                        }
                    } catch (SocketTimeoutException e) {
                        // still silent, still open
                    }
                }
            } catch (IOException e) {
                // refused or reset: again
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The reply to ping from SOURCE without its newline, or what went wrong. */
    private String ping(String source, int timeoutMillis) {
        try (Socket s = open(source, timeoutMillis)) {
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private Socket open(String source, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }
}
