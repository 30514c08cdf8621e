package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mutual TLS under Debian's xinetd, one listener process per connection, with three hosts on loopback: the
 * worker host 127.0.0.2 (where the listener listens), the Nagios server 127.0.0.3 (the only address in
 * allow) and an intruder 127.0.0.4 (which xinetd lets through, so that the listener itself must refuse it).
 * Every refusal runs nothing and leaves exactly one audit record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
    static final InetAddress WORKER_HOST = address("127.0.0.2");
    static final InetAddress NAGIOS = address("127.0.0.3");
    static final InetAddress INTRUDER = address("127.0.0.4");

    Path dir;
    Path config;
    Path audit;
    Path restarts;
    Path others;
    TestPki pki;
    TestPki stranger;
    int port;
    private Process xinetd;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("selfheal-tls-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        pki = TestPki.create(dir.resolve("pki")).server("worker1", "127.0.0.2").client("nagios1").client("nagios2")
                .expiredClient("nagios3");
        stranger = TestPki.create(dir.resolve("stranger")).client("nagios1");
        Path state = Files.createDirectory(dir.resolve("state"));
        audit = dir.resolve("audit.log");
        restarts = dir.resolve("restarts");
        others = dir.resolve("others");
        config = dir.resolve("listener.properties");
        Files.writeString(config, String.join("\n",
                "allow = 127.0.0.3",
                "state.dir = " + state,
                "audit.log = " + audit,
                "read.timeout = 1",
                "tls.cert = " + pki.serverCert("worker1"),
                "tls.key = " + pki.serverKey("worker1"),
                "tls.client-ca = " + pki.caCert(),
                "clients = nagios1, nagios2, nagios3",
                "command.foo-restart = " + ListenerFixture.script("record.sh"),
                "command.foo-restart.args = " + restarts,
                "command.foo-restart.settle = 0",
                "command.foo-restart.clients = nagios1",
                "command.bar-restart = " + ListenerFixture.script("record.sh"),
                "command.bar-restart.args = " + others,
                "command.bar-restart.settle = 0",
                "command.bar-restart.clients = nagios2",
                ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        port = ListenerStackIT.freePort();
        xinetd = startListener();
    }

    /** Starts the listener on 127.0.0.2:{@link #port}, xinetd letting all of 127.0.0.0/8 through. */
    Process startListener() throws Exception {
        return startXinetd(XinetdIT.SHIPPED, Map.of("instances", "20", "per_source", "20", "cps", "500 1"));
    }

    Process startXinetd(Path shipped, Map<String, String> more) throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("type", "UNLISTED");
        overrides.put("port", Integer.toString(port));
        overrides.put("bind", "127.0.0.2");
        if (!shipped.equals(ResidentXinetdIT.SHIPPED_RESIDENT)) {
            overrides.put("only_from", "127.0.0.0/8"); // xinetd cannot apply it to wait = yes
        }
        overrides.put("user", System.getProperty("user.name"));
        overrides.put("server", ListenerStackIT.LAUNCHER.toString());
        overrides.put("server_args", "--config " + config);
        overrides.putAll(more);
        StringBuilder text = new StringBuilder("defaults\n{\n}\nservice selfheal\n{\n");
        for (String line : Files.readAllLines(shipped)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("service") || t.equals("{") || t.equals("}")) {
                continue;
            }
            String key = t.split("\\s*=", 2)[0].strip();
            if (!overrides.containsKey(key) && !key.equals("group")) {
                text.append(line).append('\n');
            }
        }
        overrides.forEach((k, v) -> text.append("    ").append(k).append(" = ").append(v).append('\n'));
        text.append("}\n");
        Path conf = dir.resolve("xinetd.conf");
        Path log = dir.resolve("xinetd.log");
        Files.writeString(conf, text);
        Process p = new ProcessBuilder(XinetdIT.XINETD.toString(), "-dontfork", "-f", conf.toString(), "-pidfile",
                dir.resolve("xinetd.pid").toString(), "-filelog", log.toString())
                .redirectOutput(dir.resolve("xinetd.out").toFile()).redirectErrorStream(true).start();
        ListenerStackIT.awaitText(log, "Started working: 1 available service", Duration.ofSeconds(10));
        return p;
    }

    @AfterAll
    void stop() throws Exception {
        if (xinetd != null) {
            xinetd.descendants().forEach(ProcessHandle::destroyForcibly);
            xinetd.destroy();
            if (!xinetd.waitFor(5, TimeUnit.SECONDS)) {
                xinetd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (dir != null && !Boolean.getBoolean("selfheal.it.keep")) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    // ---- the positive path -------------------------------------------------------------------------

    @Test
    void theNagiosServersCertificateRunsItsCommandAndIsNamedInTheAuditLog() throws Exception {
        int before = ListenerStackIT.lines(restarts);
        int records = ListenerStackIT.lines(audit);
        String reply = request(NAGIOS, pki, "nagios1", "foo-restart\n");
        assertTrue(reply.matches("OK foo-restart exit=0 [0-9.]+s\n"), reply);
        assertEquals(before + 2, ListenerStackIT.lines(restarts));
        List<String> written = Files.readAllLines(audit).subList(records, records + 2);
        assertTrue(written.get(0).contains(" phase=intent peer=127.0.0.3 client=nagios1 request=\"foo-restart\""),
                written.toString());
        assertTrue(written.get(1).contains(" phase=outcome peer=127.0.0.3 client=nagios1 request=\"foo-restart\""
                + " decision=ok"), written.toString());
    }

    @Test
    void anyClientOfTheCaIsAnsweredPing() throws Exception {
        assertTrue(request(NAGIOS, pki, "nagios2", "ping\n").startsWith("OK pong"));
    }

    @Test
    void aRenewedCertificateIsServedFromTheNextConnectionOnWithoutARestart() throws Exception {
        X509Certificate before = servedCertificate();
        pki.server("worker1", "127.0.0.2"); // the renewal: the same command again, the files replaced
        X509Certificate renewed = selfheal.plugin.Pem.certificates(pki.serverCert("worker1")).get(0);
        assertNotEquals(before.getSerialNumber(), renewed.getSerialNumber());
        assertEquals(renewed.getSerialNumber(), servedCertificate().getSerialNumber());
    }

    /** The certificate the listener shows now, after a ping over TLS. */
    private X509Certificate servedCertificate() throws Exception {
        try (SSLSocket tls = TestPki.connect(NAGIOS, "127.0.0.2", port, pki.caCert(), pki, "nagios1")) {
            tls.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            assertTrue(new String(tls.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("OK pong"));
            return (X509Certificate) tls.getSession().getPeerCertificates()[0];
        }
    }

    // ---- each refusal: nothing runs, one audit record -----------------------------------------------

    @Test
    void noClientCertificateIsRefused() throws Exception {
        String record = refused(() -> request(NAGIOS, pki, null, "foo-restart\n"));
        assertTrue(record.contains(" client=none request=- decision=denied ") && record.contains("no client certificate"),
                record);
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        String record = refused(() -> request(NAGIOS, stranger, "nagios1", "foo-restart\n"));
        assertTrue(record.contains(" client=none request=- decision=denied ")
                && record.contains("is not issued by the client CA"), record);
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        String record = refused(() -> request(NAGIOS, pki, "nagios3", "foo-restart\n"));
        assertTrue(record.contains(" client=none request=- decision=denied ")
                && record.contains("is valid only from 2020-01-01T00:00:00Z to 2020-01-02T00:00:00Z"), record);
    }

    @Test
    void aClientNotAllowedForTheCommandIsRefusedThoughAllowedForAnother() throws Exception {
        String[] reply = new String[1];
        String record = refused(() -> reply[0] = request(NAGIOS, pki, "nagios2", "foo-restart\n"));
        assertEquals("ERR denied\n", reply[0]);
        assertTrue(record.contains(" peer=127.0.0.3 client=nagios2 request=\"foo-restart\" decision=denied"
                + " command=foo-restart ") && record.contains("not in the clients of foo-restart (nagios1)"), record);
        int before = ListenerStackIT.lines(others);
        assertTrue(request(NAGIOS, pki, "nagios2", "bar-restart\n").startsWith("OK bar-restart exit=0 "));
        assertEquals(before + 2, ListenerStackIT.lines(others));
    }

    @Test
    void plaintextToTheTlsPortIsRefused() throws Exception {
        String[] reply = new String[1];
        String record = refused(() -> reply[0] = plain(NAGIOS, "foo-restart\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("ERR denied\n", reply[0]);
        assertTrue(record.contains(" client=none request=\"foo-restart\" decision=denied ")
                && record.contains("plaintext on a TLS listener"), record);
    }

    @Test
    void aHandshakeThatStallsIsCutOffAtTheReadDeadline() throws Exception {
        long[] took = new long[1];
        String record = refused(() -> {
            long start = System.nanoTime();
            // a TLS record header that promises a ClientHello, and then nothing
            String reply = plain(NAGIOS, new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01});
            took[0] = (System.nanoTime() - start) / 1_000_000;
            return reply;
        });
        assertTrue(record.contains(" client=none request=- decision=denied ")
                && record.contains("handshake not complete within 1000 ms"), record);
        assertTrue(took[0] < 5000, "the listener let go after " + took[0] + " ms");
    }

    @Test
    void aClientInitiatedRenegotiationIsRefused() throws Exception {
        String record = refused(() -> {
            try (SSLSocket tls = TestPki.connect(NAGIOS, "127.0.0.2", port, pki.caCert(), pki, "nagios1")) {
                tls.setEnabledProtocols(new String[] {"TLSv1.2"}); // TLS 1.3 has no renegotiation at all
                tls.startHandshake();
                tls.startHandshake(); // a second handshake on the same connection: a renegotiation
                tls.getOutputStream().write("foo-restart\n".getBytes(StandardCharsets.US_ASCII));
                tls.getOutputStream().flush();
                return new String(tls.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                return "failed: " + e;
            }
        });
        assertTrue(record.contains(" client=nagios1 request=- decision=bad-request ") && record.contains("renegotiation"),
                record);
    }

    @Test
    void aValidCertificateFromAnAddressOutsideAllowIsRefused() throws Exception {
        String record = refused(() -> request(INTRUDER, pki, "nagios1", "foo-restart\n"));
        assertTrue(record.contains(" peer=127.0.0.4 client=none request=- decision=denied ")
                && record.contains(Handled.NOT_IN_ALLOW), record);
    }

    // ---- clients and records ------------------------------------------------------------------------

    interface Attempt {
        String run() throws Exception;
    }

    /**
     * Makes the attempt, then waits for its one audit record: returns it, having seen that no second record
     * follows and that no command ran.
     */
    String refused(Attempt attempt) throws Exception {
        int ran = ListenerStackIT.lines(restarts) + ListenerStackIT.lines(others);
        int before = ListenerStackIT.lines(audit);
        attempt.run();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ListenerStackIT.lines(audit) == before && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        Thread.sleep(500);
        List<String> records = Files.readAllLines(audit);
        assertEquals(before + 1, records.size(), "one record: " + records.subList(before, records.size()));
        assertEquals(ran, ListenerStackIT.lines(restarts) + ListenerStackIT.lines(others), "something ran");
        return records.get(before);
    }

    /** The reply to {@code line} over TLS, or what went wrong, as "failed: ..." . */
    String request(InetAddress source, TestPki from, String name, String line) {
        try (SSLSocket tls = TestPki.connect(source, "127.0.0.2", port, pki.caCert(), from, name)) {
            tls.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            return new String(tls.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    /** What the listener answers to {@code bytes} sent without TLS, until it closes. */
    String plain(InetAddress source, byte[] bytes) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(WORKER_HOST, port), 5000);
            socket.setSoTimeout(15000);
            socket.getOutputStream().write(bytes);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            try {
                in.transferTo(reply);
            } catch (IOException e) {
                // reset: what came before it is the reply
            }
            return reply.toString(StandardCharsets.US_ASCII);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
