package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One JVM serving a real listening socket on 127.0.0.1, as it does when xinetd ({@code wait = yes}) or systemd
 * ({@code Accept=no}) hands it over: every request as a per-connection process would answer it, several at
 * once, refused peers turned away unread, and an exit once idle.
 */
class ResidentListenerTest {
    @TempDir
    Path tmp;
    ListenerFixture fx;
    ServerSocketChannel server;
    int port;
    final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
        fx.set("resident.idle", "1.5");
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
    }

    private Future<Integer> startResident() {
        CommandListener listener = new CommandListener(() -> Connection.of(Peer.local()), Clock.systemUTC());
        return pool.submit(() -> new ResidentListener(listener, server, fx.config).run());
    }

    private String exchange(String request) throws IOException {
        return ListenerStackIT.exchange(request.getBytes(StandardCharsets.ISO_8859_1), null, true, port);
    }

    @Test
    void oneProcessAnswersRequestAfterRequestAndAuditsEach() throws Exception {
        Future<Integer> resident = startResident();
        assertEquals("OK pong\n", exchange("ping\n"));
        assertTrue(exchange("foo-restart\n").startsWith("OK foo-restart exit=0 "));
        assertEquals("ERR unknown-command\n", exchange("bar-restart\n"));
        assertEquals("OK pong heals=foo-restart:remote=1\n", exchange("ping\n"));
        assertEquals(2, fx.runs().size());
        List<String> audit = fx.outcomes();
        assertEquals(4, audit.size(), audit.toString());
        assertTrue(audit.get(2).contains("peer=127.0.0.1 request=\"bar-restart\" decision=unknown-command"),
                audit.get(2));
        assertEquals(0, resident.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aConfigEditTakesEffectAtTheNextConnection() throws Exception {
        Future<Integer> resident = startResident();
        assertEquals("OK commands foo-restart\n", exchange("help\n"));
        fx.command("foo-stop", "record.sh", fx.marker.toString());
        assertEquals("OK commands foo-restart foo-stop\n", exchange("help\n"));
        assertEquals(0, resident.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aSilentClientDoesNotHoldUpOthersAndIsCutOffAtTheFirstByteDeadline() throws Exception {
        Future<Integer> resident = startResident();
        try (Socket silent = new Socket("127.0.0.1", port)) {
            silent.setSoTimeout(10_000);
            long start = System.nanoTime();
            assertEquals("OK pong\n", exchange("ping\n"));
            long millis = timedOutAfter(silent, start);
            // no byte within 1 s, though read.timeout is 2 s; closed at once then, not at some process's exit
            assertTrue(millis >= 900 && millis < 1900, millis + " ms");
        }
        assertTrue(fx.audit().get(1).contains("no byte within 1000 ms"), fx.audit().toString());
        assertEquals(0, resident.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aClientThatTricklesIsCutOffAtTheReadDeadline() throws Exception {
        Future<Integer> resident = startResident();
        try (Socket trickling = new Socket("127.0.0.1", port)) {
            trickling.setSoTimeout(10_000);
            long start = System.nanoTime();
            trickling.getOutputStream().write('p');
            long millis = timedOutAfter(trickling, start);
            assertTrue(millis >= 1900 && millis < 6000, millis + " ms"); // read.timeout is 2 s
        }
        assertEquals(0, resident.get(20, TimeUnit.SECONDS));
    }

    @Test
    void beyondItsLimitsItAnswersBusyAtOnceInsteadOfQueueing() throws Exception {
        fx.set("allow", "127.0.0.0/8").set("resident.connections", "3").set("resident.per-source", "2");
        Future<Integer> resident = startResident();
        try (Socket first = silent("127.0.0.3"); Socket second = silent("127.0.0.3")) {
            // a third from the same address is over resident.per-source; another address still gets in
            assertEquals("ERR busy\n", exchangeFrom("127.0.0.3", 1000));
            try (Socket third = silent("127.0.0.4")) {
                // all three slots are taken: the next one is told so at once, not left in the backlog
                assertEquals("ERR busy\n", exchangeFrom("127.0.0.2", 1000));
            }
            Thread.sleep(300); // the listener reads EOF from the one that closed, and frees its slot
            assertEquals("OK pong\n", exchangeFrom("127.0.0.2", 5000));
        }
        assertEquals(0, resident.get(20, TimeUnit.SECONDS));
    }

    /** Reads the listener's reply on CLIENT, which must be ERR timeout; the milliseconds since START. */
    private static long timedOutAfter(Socket client, long start) throws IOException {
        String reply = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals("ERR timeout\n", reply);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** A connection from SOURCE that sends nothing, once the listener has taken it. */
    private Socket silent(String source) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        Thread.sleep(200);
        return s;
    }

    /** ping from SOURCE; the reply must come within MILLIS. */
    private String exchangeFrom(String source, long millis) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            long start = System.nanoTime();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < millis, reply.strip() + " after " + took + " ms");
            return reply;
        }
    }

    @Test
    void twoConcurrentRestartsOfOneGroupNeverOverlap() throws Exception {
        fx.set("command.foo-restart.args", fx.marker + " 1");
        Future<Integer> resident = startResident();
        Future<String> first = pool.submit(() -> exchange("foo-restart\n"));
        Thread.sleep(300);
        String second = exchange("foo-restart\n");
        assertEquals("ERR busy foo-restart\n", second);
        assertTrue(first.get(20, TimeUnit.SECONDS).startsWith("OK foo-restart exit=0 "));
        assertEquals(2, fx.runs().size()); // one start, one end: the busy one never ran
        assertEquals(0, resident.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aPeerNotInAllowIsRefusedBeforeAnythingIsRead() throws Exception {
        fx.set("allow", "::1");
        Future<Integer> resident = startResident();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            // Nothing sent: a per-connection listener would wait read.timeout (2 s) for the line.
            long start = System.nanoTime();
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals("ERR denied\n", reply);
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 1500);
        }
        List<String> audit = fx.audit();
        assertEquals(1, audit.size());
        assertTrue(audit.get(0).contains("peer=127.0.0.1 request=- decision=denied"), audit.get(0));
        assertTrue(audit.get(0).contains("refused before reading"), audit.get(0));
        assertEquals(List.of(), fx.runs());
        assertEquals(0, resident.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aFloodFromOutsideAllowIsAuditedOnceASecondPerAddress() throws Exception {
        fx.set("allow", "::1");
        Future<Integer> resident = startResident();
        for (int i = 0; i < 5; i++) {
            assertEquals("ERR denied\n", exchange("ping\n"));
        }
        Thread.sleep(1100);
        assertEquals("ERR denied\n", exchange("ping\n"));
        List<String> audit = fx.audit();
        assertEquals(2, audit.size(), audit.toString());
        assertTrue(audit.get(0).contains("refused before reading (resident)\""), audit.get(0));
        assertTrue(audit.get(1).contains("; 4 more before this, unrecorded"), audit.get(1));
        assertEquals(0, resident.get(20, TimeUnit.SECONDS));
    }

    @Test
    void itExitsWhenIdleButNotWhileACommandRuns() throws Exception {
        fx.set("command.foo-restart.args", fx.marker + " 3");
        long start = System.nanoTime();
        Future<Integer> resident = startResident();
        assertTrue(exchange("foo-restart\n").startsWith("OK foo-restart exit=0 "));
        assertEquals(0, resident.get(20, TimeUnit.SECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // 3 s of command, then 1.5 s idle; not 1.5 s after the accept
        assertTrue(millis >= 4400, millis + " ms");
    }

    @Test
    void afterItsExitTheSocketStillQueuesConnectionsForTheNextOne() throws Exception {
        assertEquals(0, startResident().get(20, TimeUnit.SECONDS));
        Socket waiting = new Socket();
        waiting.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        try (waiting) {
            waiting.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            waiting.shutdownOutput();
            waiting.setSoTimeout(10_000);
            Future<Integer> next = startResident();
            assertEquals("OK pong\n",
                    new String(waiting.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            assertEquals(0, next.get(20, TimeUnit.SECONDS));
        }
        assertFalse(fx.audit().isEmpty());
    }

    @Test
    void residentLimitsAreValidated() throws Exception {
        fx.set("resident.idle", "0").set("resident.connections", "257").set("resident.per-source", "0");
        String out = fx.operator("--check-config", fx.config.toString());
        assertTrue(out.contains("resident.idle: 0 is not between 0.1 and 86400 seconds"), out);
        assertTrue(out.contains("resident.connections: '257' is not a whole number from 1 to 256"), out);
        assertTrue(out.contains("resident.per-source: '0' is not a whole number from 1 to 256"), out);
    }
}
