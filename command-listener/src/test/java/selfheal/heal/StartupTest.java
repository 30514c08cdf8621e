package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** What a fresh listener process does before it answers: who the peer is, and what ping costs. */
class StartupTest {
    @TempDir
    Path tmp;

    @Test
    void remoteHostFromXinetdNamesThePeer() {
        assertEquals("127.0.0.1", Connection.inherited(Map.of("REMOTE_HOST", "127.0.0.1")).peer().label());
        assertEquals("2001:db8:0:0:0:0:0:1", Connection.inherited(Map.of("REMOTE_HOST", "2001:db8::1")).peer().label());
        assertEquals("127.0.0.1", Connection.inherited(Map.of("REMOTE_HOST", "::ffff:127.0.0.1")).peer().label());
    }

    @Test
    void aRemoteHostThatIsNoAddressIsAnUnknownPeerNeverALocalOne() {
        Peer peer = Connection.inherited(Map.of("REMOTE_HOST", "evil.example.org")).peer();
        assertFalse(peer.isLocal());
        assertEquals("unknown:evil.example.org", peer.label());
    }

    @Test
    void auditTimesAreUtcWithMilliseconds() {
        Instant t = Instant.parse("2026-11-25T09:05:07.089123Z");
        assertEquals("2026-11-25T09:05:07.089Z", AuditLog.utc(t));
        assertEquals("1999-01-01T00:00:00.000Z", AuditLog.utc(Instant.parse("1999-01-01T00:00:00Z")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999Z", "2024-02-29T12:00:00.5Z",
        "2100-03-01T00:00:00.001Z", "1999-12-31T23:59:59.123456789Z", "2026-12-31T23:59:59.999Z",
        "2400-02-29T01:02:03.004Z", "1969-12-31T23:59:59.900Z"})
    void auditTimesAgreeWithJavaTimeOnEveryCalendarEdge(String instant) {
        Instant t = Instant.parse(instant);
        String expected = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC)
                .format(t.truncatedTo(ChronoUnit.MILLIS));
        assertEquals(expected, AuditLog.utc(t));
    }

    @Test
    void pingInAFreshJvmNeverLoadsCommonsExecAndAnswersFromAPipeAsLocal() throws Exception {
        ListenerFixture fx = new ListenerFixture(tmp);
        Path classes = tmp.resolve("classes.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-Xlog:class+load:file=" + classes,
                "-cp", System.getProperty("java.class.path"), CommandListener.class.getName(),
                "--config", fx.config.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String reply = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("OK pong\n", reply);
        assertEquals(0, p.exitValue());
        List<String> loaded = Files.readAllLines(classes);
        assertFalse(loaded.stream().anyMatch(l -> l.contains("org.apache.commons.exec")), "commons-exec loaded");
        assertFalse(loaded.stream().anyMatch(l -> l.contains("java.util.Formatter ")), "String.format used");
        assertFalse(loaded.stream().anyMatch(l -> l.contains("java.net.InetAddress ")), "InetAddress initialised");
        assertFalse(loaded.stream().anyMatch(l -> l.contains("java.time.LocalDateTime ")), "java.time dates used");
        assertFalse(loaded.stream().anyMatch(l -> l.contains("java.nio.channels.spi.SelectorProvider ")),
                "the inherited channel was asked for although stdin is a pipe");
        assertTrue(fx.audit().get(0).contains(" peer=local request=\"ping\" decision=ok"), fx.audit().get(0));
    }

    @Test
    void aFreshJvmRunningACommandLoadsCommonsExec() throws IOException, InterruptedException {
        // The counterpart of the test above, so that it cannot pass by never logging classes at all.
        ListenerFixture fx = new ListenerFixture(tmp);
        Path classes = tmp.resolve("classes.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xlog:class+load:file=" + classes,
                "-cp", System.getProperty("java.class.path"), CommandListener.class.getName(),
                "--config", fx.config.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write("foo-restart\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String reply = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(reply.startsWith("OK foo-restart exit=0 "), reply);
        assertTrue(Files.readAllLines(classes).stream().anyMatch(l -> l.contains("org.apache.commons.exec")));
    }
}
