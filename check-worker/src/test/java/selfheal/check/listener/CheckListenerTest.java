package selfheal.check.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** check_listener through run(...) against a real ServerSocket on 127.0.0.1 port 0 that answers per scenario. */
class CheckListenerTest {

    interface Answer {
        void answer(Socket client) throws IOException, InterruptedException;
    }

    private ServerSocket server;
    private Thread acceptor;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** Starts a one-connection listener that records the request line and answers with {@code answer}. */
    private int listen(Answer answer) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try (Socket client = server.accept()) {
                requests.add(readLine(client.getInputStream()));
                answer.answer(client);
            } catch (IOException | InterruptedException e) {
                // the plugin hung up first (timeouts): expected in some scenarios
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return server.getLocalPort();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            b.append((char) c);
        }
        return b.toString();
    }

    private static Answer reply(String bytes) {
        return client -> {
            OutputStream out = client.getOutputStream();
            out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        };
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            acceptor.interrupt();
            acceptor.join(2_000);
        }
    }

    record Run(int code, String firstLine, long millis) {
    }

    /** check_listener with {@code args}, and -H 127.0.0.1 when they have no -H. */
    private static Run run(String... args) {
        return runExactly(java.util.Arrays.asList(args).contains("-H") ? args
                : java.util.stream.Stream.concat(java.util.stream.Stream.of("-H", "127.0.0.1"), java.util.Arrays.stream(args))
                        .toArray(String[]::new));
    }

    private static Run runExactly(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = new CheckListener().run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String first = bytes.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("")
                .replaceAll(" in [0-9.]+ s", " in T s").replaceAll("'time'=[0-9.]+s", "'time'=Ts")
                .replaceAll("('time'=Ts;[^;]*;[^;]*;0);[0-9.]+", "$1"); // the max, -t: theTimeoutIsTheMaxOfTheTime
        return new Run(code, first, (System.nanoTime() - start) / 1_000_000);
    }

    @ParameterizedTest(name = "reply {0}: exit {1}")
    @CsvSource(delimiter = '#', textBlock = """
        OK pong\\n                                    # 0 # LISTENER OK - pong from 127.0.0.1:PORT in T s | 'time'=Ts;;;0
        OK pong\\r\\n                                 # 0 # LISTENER OK - pong from 127.0.0.1:PORT in T s | 'time'=Ts;;;0
        OK pong                                      # 0 # LISTENER OK - pong from 127.0.0.1:PORT in T s | 'time'=Ts;;;0
        OK pong budget-exhausted=foo-restart\\n       # 2 # LISTENER CRITICAL - restart budget exhausted for foo-restart (command-listener --reset NAME on 127.0.0.1), pong from 127.0.0.1:PORT in T s | 'time'=Ts;;;0
        OK pong budget-exhausted=a-restart,b-stop\\n  # 2 # LISTENER CRITICAL - restart budget exhausted for a-restart, b-stop (command-listener --reset NAME on 127.0.0.1), pong from 127.0.0.1:PORT in T s | 'time'=Ts;;;0
        OK pong heals=foo-restart:watch=2\\n           # 0 # LISTENER OK - pong from 127.0.0.1:PORT in T s, foo-restart: 2 heals in 1h (watch 2) | 'time'=Ts;;;0 'foo-restart_watch'=2;;;0 'foo-restart_local'=0;;;0 'foo-restart_remote'=0;;;0
        OK pong heals=a:local=1,b:watch=1:remote=2\\n  # 0 # LISTENER OK - pong from 127.0.0.1:PORT in T s, a: 1 heal in 1h (local 1), b: 3 heals in 1h (watch 1, remote 2) | 'time'=Ts;;;0 'a_watch'=0;;;0 'a_local'=1;;;0 'a_remote'=0;;;0 'b_watch'=1;;;0 'b_local'=0;;;0 'b_remote'=2;;;0
        OK pong heals=foo-restart:watch=3:remote=1 flapping=foo-restart\\n # 1 # LISTENER WARNING - foo-restart flapping: 4 heals in 1h (watch 3, remote 1), pong from 127.0.0.1:PORT in T s | 'time'=Ts;;;0 'foo-restart_watch'=3;;;0 'foo-restart_local'=0;;;0 'foo-restart_remote'=1;;;0
        OK pong heals=a:watch=1,b:remote=4 flapping=b\\n # 1 # LISTENER WARNING - b flapping: 4 heals in 1h (remote 4), pong from 127.0.0.1:PORT in T s, a: 1 heal in 1h (watch 1) | 'time'=Ts;;;0 'a_watch'=1;;;0 'a_local'=0;;;0 'a_remote'=0;;;0 'b_watch'=0;;;0 'b_local'=0;;;0 'b_remote'=4;;;0
        OK pong flapping=foo-restart\\n                # 1 # LISTENER WARNING - foo-restart flapping, pong from 127.0.0.1:PORT in T s | 'time'=Ts;;;0
        OK pong heals=b:remote=2 flapping=a budget-exhausted=b\\n # 2 # LISTENER CRITICAL - restart budget exhausted for b (command-listener --reset NAME on 127.0.0.1), a flapping, pong from 127.0.0.1:PORT in T s, b: 2 heals in 1h (remote 2) | 'time'=Ts;;;0 'b_watch'=0;;;0 'b_local'=0;;;0 'b_remote'=2;;;0
        OK pong broken=qux.properties\\n              # 1 # LISTENER WARNING - drop-in qux.properties refused, its workers are not healed (command-listener --check-config on 127.0.0.1 says why), pong from 127.0.0.1:PORT in T s | 'time'=Ts;;;0
        OK pong heals=a:watch=1 budget-exhausted=a broken=b.properties,c.properties\\n # 2 # LISTENER CRITICAL - restart budget exhausted for a (command-listener --reset NAME on 127.0.0.1), drop-in b.properties, c.properties refused, its workers are not healed (command-listener --check-config on 127.0.0.1 says why), pong from 127.0.0.1:PORT in T s, a: 1 heal in 1h (watch 1) | 'time'=Ts;;;0 'a_watch'=1;;;0 'a_local'=0;;;0 'a_remote'=0;;;0
        OK pong broken=\\n                          # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong broken=' in T s | 'time'=Ts;;;0
        OK pong heals=a:sched=1 newer=x,y\\n         # 0 # LISTENER OK - pong from 127.0.0.1:PORT in T s, a: 1 heal in 1h (sched 1) | 'time'=Ts;;;0 'a_watch'=0;;;0 'a_local'=0;;;0 'a_remote'=0;;;0 'a_sched'=1;;;0
        ''                                           # 2 # LISTENER CRITICAL - empty reply from 127.0.0.1:PORT (refused by xinetd only_from or the listener's allow list?) in T s | 'time'=Ts;;;0
        ERR denied\\n                                 # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'ERR denied' in T s | 'time'=Ts;;;0
        OK pongpong\\n                                # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pongpong' in T s | 'time'=Ts;;;0
        OK pong budget-exhausted=\\n                  # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong budget-exhausted=' in T s | 'time'=Ts;;;0
        OK pong budget-exhausted=a,\\n                # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong budget-exhausted=a,' in T s | 'time'=Ts;;;0
        OK pong budget-exhausted=a b\\n               # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong budget-exhausted=a b' in T s | 'time'=Ts;;;0
        OK pong heals=\\n                            # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=' in T s | 'time'=Ts;;;0
        OK pong heals=a\\n                           # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=a' in T s | 'time'=Ts;;;0
        OK pong heals=a:\\n                          # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=a:' in T s | 'time'=Ts;;;0
        OK pong heals=a:watch=0\\n                   # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=a:watch=0' in T s | 'time'=Ts;;;0
        OK pong heals=a:watch=01\\n                  # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=a:watch=01' in T s | 'time'=Ts;;;0
        OK pong heals=a:watch=x\\n                   # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=a:watch=x' in T s | 'time'=Ts;;;0
        OK pong heals=a:Watch=1\\n                   # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=a:Watch=1' in T s | 'time'=Ts;;;0
        OK pong heals=a:watch=1,\\n                  # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=a:watch=1,' in T s | 'time'=Ts;;;0
        OK pong heals=a:watch=1 heals=b:watch=1\\n   # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=a:watch=1 heals=b:watch=1' in T s | 'time'=Ts;;;0
        OK pong flapping=a flapping=b\\n             # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong flapping=a flapping=b' in T s | 'time'=Ts;;;0
        OK pong flapping=a,\\n                       # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong flapping=a,' in T s | 'time'=Ts;;;0
        OK pong  flapping=a\\n                       # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong  flapping=a' in T s | 'time'=Ts;;;0
        OK pong flapping=a \\n                       # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong flapping=a ' in T s | 'time'=Ts;;;0
        OK pong =a\\n                                # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong =a' in T s | 'time'=Ts;;;0
        OK pong Heals=a:watch=1\\n                   # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong Heals=a:watch=1' in T s | 'time'=Ts;;;0
        OK pong heals=a;b:watch=1\\n                 # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'OK pong heals=a;b:watch=1' in T s | 'time'=Ts;;;0
        A\u0000\u00ff|x\\n                            # 2 # LISTENER CRITICAL - unexpected reply from 127.0.0.1:PORT: 'A\\x00\\xff\\x7cx' in T s | 'time'=Ts;;;0
        """)
    void eachReplyGivesItsState(String reply, int code, String firstLine) throws IOException {
        int port = listen(reply(reply.replace("\\r", "\r").replace("\\n", "\n")));
        Run r = run("-H", "127.0.0.1", "-p", String.valueOf(port), "-t", "3");
        assertEquals(firstLine, r.firstLine().replace(":" + port, ":PORT"));
        assertEquals(code, r.code());
        assertEquals(List.of("ping"), requests);
    }

    @Test
    void aSilentListenerIsCriticalAtTheDeadline() throws IOException {
        int port = listen(client -> Thread.sleep(10_000));
        Run r = run("-p", String.valueOf(port), "-t", "0.5");
        assertEquals("LISTENER CRITICAL - timed out after 0.5 s", r.firstLine());
        assertEquals(2, r.code());
        assertTrue(r.millis() < 1_500, r.millis() + " ms");
    }

    @Test
    void aTricklingListenerCannotStretchTheDeadline() throws IOException {
        int port = listen(client -> {
            for (int i = 0; i < 100; i++) {
                client.getOutputStream().write('O');
                client.getOutputStream().flush();
                Thread.sleep(40);
            }
        });
        Run r = run("-p", String.valueOf(port), "-t", "0.6");
        assertEquals("LISTENER CRITICAL - timed out after 0.6 s", r.firstLine());
        assertTrue(r.millis() < 1_500, r.millis() + " ms");
    }

    @Test
    void anOverlongReplyIsCritical() throws IOException {
        int port = listen(reply("OK pong" + "x".repeat(10_000) + "\n"));
        Run r = run("-p", String.valueOf(port));
        assertTrue(r.firstLine().startsWith("LISTENER CRITICAL - unexpected reply from 127.0.0.1:" + port + ": 'OK pongxxx"), r.firstLine());
        assertEquals(2, r.code());
    }

    @Test
    void aRefusedPortIsCriticalNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = run("-H", "127.0.0.1", "-p", String.valueOf(port));
        assertEquals("LISTENER CRITICAL - connection refused by 127.0.0.1:" + port, r.firstLine());
        assertEquals(2, r.code());
    }

    @Test
    void anUnresolvableNameIsCritical() {
        Run r = run("-H", "no-such-host.invalid");
        assertEquals("LISTENER CRITICAL - cannot resolve host name no-such-host.invalid", r.firstLine());
    }

    @Test
    void responseTimeThresholdsApply() throws IOException {
        int port = listen(client -> {
            Thread.sleep(200);
            reply("OK pong\n").answer(client);
        });
        Run r = run("-p", String.valueOf(port), "-w", "0.1");
        assertEquals(1, r.code(), r.firstLine());
        assertTrue(r.firstLine().endsWith("'time'=Ts;0.1;;0"), r.firstLine());
    }

    @Test
    void usageErrorsAreUnknown() {
        Run r = run("-p", "0");
        assertEquals("LISTENER UNKNOWN - usage: bad --port '0': expected 1..65535 (see check_listener --help)", r.firstLine());
        assertEquals(3, r.code());
    }

    @Test
    void withoutAHostItIsAUsageError() {
        Run r = runExactly("-p", "5669");
        assertEquals("LISTENER UNKNOWN - usage: -H/--hostname is required (see check_listener --help)", r.firstLine());
        assertEquals(3, r.code());
    }

    @Test
    void theTimeoutIsTheMaxOfTheTime() throws IOException {
        int port = listen(reply("OK pong\n"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, new CheckListener().run(new String[] {"-H", "127.0.0.1", "-p", String.valueOf(port), "-t", "2.5"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).matches("(?s).*'time'=[0-9.]+s;;;0;2.5\n"), bytes.toString(StandardCharsets.UTF_8));
    }
}
