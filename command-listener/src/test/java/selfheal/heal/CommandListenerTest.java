package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandListenerTest {
    @TempDir
    Path tmp;
    ListenerFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
    }

    @Test
    void pingAnswersPongAndRunsNothing() throws IOException {
        assertEquals("OK pong\n", fx.serve("ping\n"));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void crLfAndAMissingNewlineAreTolerated() {
        assertEquals("OK pong\n", fx.serve("ping\r\n"));
        assertEquals("OK pong\n", fx.serve("ping"));
    }

    @Test
    void helpListsTheCommandNamesOnly() throws IOException {
        fx.command("foo-stop", "record.sh", fx.marker.toString());
        assertEquals("OK commands foo-restart foo-stop\n", fx.serve("help\n"));
    }

    @Test
    void aWhitelistedCommandRunsItsScriptOnceAndRepliesWithExitAndSeconds() throws IOException {
        String reply = fx.serve("foo-restart\n");
        assertTrue(reply.matches("OK foo-restart exit=0 [0-9]+\\.[0-9]{2}s\n"), reply);
        assertEquals(2, fx.runs().size());
        assertTrue(fx.runs().get(0).startsWith("start "));
    }

    @Test
    void aFailingScriptGivesErrFailedWithItsExitCodeAndItsOutputGoesToTheAuditLogOnly() throws IOException {
        fx.command("foo-restart", "fail.sh", "");
        String reply = fx.serve("foo-restart\n");
        assertTrue(reply.matches("ERR failed foo-restart exit=3 [0-9]+\\.[0-9]{2}s\n"), reply);
        assertTrue(fx.outcomes().get(0).contains("detail=\"cannot restart: no such unit\\n\""), fx.outcomes().get(0));
    }

    @Test
    void anUnknownCommandRunsNothing() throws IOException {
        assertEquals("ERR unknown-command\n", fx.serve("bar-restart\n"));
        assertEquals(List.of(), fx.runs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo-restart;id", "foo-restart ; id", "foo-restart|id", "foo-restart $(id)",
        "foo-restart `id`", "foo-restart && id", "foo-restart > /tmp/x", "foo-restart\u0000", "foo\u0000-restart",
        "foo-restart\tx", "f\u00f4o-restart", "foo-restart\u001b[2J", "-foo-restart", "../foo-restart",
        "foo-restart a b c d", "", "   "})
    void injectionAttemptsAndMalformedLinesAreRefusedAndRunNothing(String line) throws IOException {
        assertEquals("ERR bad-request\n", fx.serve(line + "\n"));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void anOverlongLineIsRefusedAndRunsNothing() throws IOException {
        assertEquals("ERR bad-request\n", fx.serve("foo-restart " + "a".repeat(300) + "\n"));
        assertEquals("ERR bad-request\n", fx.serve("x".repeat(100_000)));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void aLineOfExactly256BytesIsStillRead() {
        assertEquals("ERR bad-request ping arguments-not-allowed\n",
                fx.serve("ping" + " ".repeat(200) + "x".repeat(52) + "\n"));
        assertEquals("ERR unknown-command\n", fx.serve("x".repeat(64) + " ".repeat(192) + "\r\n"));
    }

    @Test
    void binaryGarbageIsRefusedAndRunsNothing() throws IOException {
        byte[] binary = new byte[200];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 37 + 11);
        }
        String reply = fx.serve(Peer.remote(IpAddress.parse("127.0.0.1")), Clock.systemUTC(),
                new ByteArrayInputStream(binary));
        assertEquals("ERR bad-request\n", reply);
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void onlyTheFirstLineIsReadSoASecondLineNeverRuns() throws IOException {
        assertEquals("OK pong\n", fx.serve("ping\nfoo-restart\n"));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void argumentsTheWhitelistDoesNotAllowAreRefused() throws IOException {
        assertEquals("ERR bad-request foo-restart arguments-not-allowed\n", fx.serve("foo-restart now\n"));
        assertEquals("ERR bad-request ping arguments-not-allowed\n", fx.serve("ping now\n"));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void anArgumentMatchingAcceptsIsPassedAfterTheFixedArguments() throws IOException {
        fx.set("command.foo-restart.args", fx.marker + " 0").set("command.foo-restart.accepts", "[0-9]{1,3}");
        assertTrue(fx.serve("foo-restart 42\n").startsWith("OK foo-restart exit=0 "));
        assertEquals("ERR bad-request foo-restart arguments-not-allowed\n", fx.serve("foo-restart 4242\n"));
        assertEquals(2, fx.runs().size());
        assertTrue(fx.runs().get(0).endsWith(" 42"), fx.runs().get(0));
    }

    @Test
    void aSilentClientIsCutOffAtTheReadDeadline() throws IOException {
        fx.set("read.timeout", "0.3");
        long start = System.nanoTime();
        String reply = fx.serve(Peer.remote(IpAddress.parse("127.0.0.1")), Clock.systemUTC(), silent());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("ERR timeout\n", reply);
        assertTrue(ms >= 290 && ms < 2000, ms + " ms");
        assertTrue(fx.audit().get(0).contains("decision=timeout"), fx.audit().get(0));
    }

    @Test
    void aTricklingClientIsCutOffAtTheReadDeadlineToo() {
        fx = fxWith("read.timeout", "0.3");
        InputStream trickle = new InputStream() {
            @Override
            public int read() {
                sleep(50);
                return 'p';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                b[off] = (byte) read();
                return 1;
            }
        };
        assertEquals("ERR timeout\n",
                fx.serve(Peer.remote(IpAddress.parse("127.0.0.1")), Clock.systemUTC(), trickle));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.2", "192.0.3.1", "10.0.0.1", "2001:db9::1", "::1"})
    void aPeerOutsideAllowIsDeniedWhateverItAsksAndNothingRuns(String address) throws IOException {
        String reply = fx.serve(Peer.remote(IpAddress.parse(address)), Clock.systemUTC(),
                new ByteArrayInputStream("foo-restart\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("ERR denied\n", reply);
        assertEquals(List.of(), fx.runs());
        assertTrue(fx.audit().get(0).contains("peer=" + IpAddress.parse(address)
                + " request=\"foo-restart\" decision=denied"), fx.audit().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "192.0.2.200", "2001:db8::7", "::ffff:127.0.0.1"})
    void aPeerInsideAllowIsServed(String address) {
        assertEquals("OK pong\n", fx.serve(Peer.remote(IpAddress.parse(address)), Clock.systemUTC(),
                new ByteArrayInputStream("ping\n".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void aLocalOperatorOnAPipeIsServedAndAnUnknownPeerIsDenied() {
        InputStream ping = new ByteArrayInputStream("ping\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("OK pong\n", fx.serve(Peer.local(), Clock.systemUTC(), ping));
        InputStream again = new ByteArrayInputStream("ping\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ERR denied\n", fx.serve(Peer.unknown("garbage"), Clock.systemUTC(), again));
    }

    @Test
    void aScriptPastItsTimeoutIsKilledWithEveryChildEvenWhenTheyIgnoreTerm() throws Exception {
        Path childPid = tmp.resolve("child.pid");
        fx.command("foo-restart", "hang.sh", childPid.toString());
        fx.set("command.foo-restart.timeout", "0.5");
        long start = System.nanoTime();
        String reply = fx.serve("foo-restart\n");
        assertTrue(reply.matches("ERR timeout foo-restart [0-9]+\\.[0-9]{2}s\n"), reply);
        assertTrue((System.nanoTime() - start) / 1e9 < 6, "took too long");
        long pid = Long.parseLong(Files.readString(childPid).strip());
        assertTrue(deadOrZombieWithin(pid, Duration.ofSeconds(5)), "sleep 1000 (pid " + pid + ") survived");
        assertTrue(fx.outcomes().get(0).contains("decision=timeout command=foo-restart exit=-"), fx.outcomes().get(0));
    }

    @Test
    void aChattyScriptIsDrainedAndItsOutputKeptBounded() throws IOException {
        fx.command("foo-restart", "noisy.sh", "");
        assertTrue(fx.serve("foo-restart\n").startsWith("OK foo-restart exit=0 "));
        String entry = fx.outcomes().get(0);
        assertTrue(entry.length() < 2 * ScriptRunner.OUTPUT_LIMIT + 1000, "audit entry of " + entry.length());
        assertTrue(entry.contains("...("), "output was cut: " + entry.substring(0, 300));
    }

    @Test
    void scriptsGetACleanEnvironmentAFixedPathTheirDirectoryAndAClosedStdin() throws IOException {
        Path out = tmp.resolve("env.out");
        fx.command("foo-restart", "env.sh", out.toString()).set("command.foo-restart.dir", tmp.toString());
        assertTrue(fx.serve("foo-restart\n").startsWith("OK "));
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.contains("PATH=" + ScriptRunner.PATH), lines.toString());
        assertTrue(lines.contains("PWD_IS=" + tmp), lines.toString());
        assertTrue(lines.contains("STDIN=eof"), lines.toString());
        assertTrue(lines.contains("SELFHEAL_PEER=127.0.0.1"), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("HOME=") || l.startsWith("JAVA_HOME=")
                || l.startsWith("MAVEN")), lines.toString());
    }

    @Test
    void aSecondCommandOfTheSameGroupWhileTheFirstRunsIsBusyAndNeverOverlaps() throws Exception {
        fx.set("command.foo-restart.args", fx.marker + " 1");
        fx.command("foo-stop", "record.sh", fx.marker.toString());
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            Future<String> first = pool.submit(() -> fx.serve("foo-restart\n"));
            waitFor(() -> fx.runs().size() == 1);
            assertEquals("ERR busy foo-stop\n", fx.serve("foo-stop\n"));
            assertEquals("ERR busy foo-restart\n", fx.serve("foo-restart\n"));
            assertTrue(first.get().startsWith("OK foo-restart exit=0 "));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, fx.runs().size());
        assertTrue(fx.serve("foo-stop\n").startsWith("OK foo-stop "), "lock released after the run");
    }

    @Test
    void theBudgetRefusesBeyondNRunsStaysExhaustedPastTheWindowAndPingReportsItUntilReset() throws IOException {
        fx.set("command.foo-restart.budget", "2/15m");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        assertTrue(request(clock, "foo-restart").startsWith("OK "));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(request(clock, "foo-restart").startsWith("OK "));
        assertEquals("ERR budget-exhausted foo-restart 2/15m\n", request(clock, "foo-restart"));
        assertEquals("OK pong heals=foo-restart:remote=2 budget-exhausted=foo-restart\n", request(clock, "ping"));
        clock.advance(Duration.ofHours(2));
        assertEquals("ERR budget-exhausted foo-restart 2/15m\n", request(clock, "foo-restart"));
        assertEquals(4, fx.runs().size(), "only the two granted runs ran");

        assertTrue(fx.operator("--config", fx.config.toString(), "--reset", "foo-restart")
                .startsWith("OK reset foo-restart"));
        assertEquals("OK pong\n", request(clock, "ping"));
        assertTrue(request(clock, "foo-restart").startsWith("OK "));
    }

    @Test
    void runsOlderThanTheWindowNoLongerCount() throws IOException {
        fx.set("command.foo-restart.budget", "1/10m");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        assertTrue(request(clock, "foo-restart").startsWith("OK "));
        clock.advance(Duration.ofMinutes(11));
        assertTrue(request(clock, "foo-restart").startsWith("OK "));
        assertEquals("OK pong heals=foo-restart:remote=2\n", request(clock, "ping"));
    }

    @Test
    void theAuditLogHasExactlyOneEntryPerRequestRefusedOnesIncluded() throws IOException {
        fx.set("read.timeout", "0.2");
        String[] requests = {"ping\n", "help\n", "foo-restart\n", "bar\n", "foo;id\n", "x".repeat(400)};
        for (String r : requests) {
            fx.serve(r);
        }
        fx.serve(Peer.remote(IpAddress.parse("127.0.0.2")), Clock.systemUTC(),
                new ByteArrayInputStream("foo-restart\n".getBytes(StandardCharsets.US_ASCII)));
        fx.serve(Peer.remote(IpAddress.parse("127.0.0.1")), Clock.systemUTC(), silent());
        List<String> audit = fx.outcomes();
        assertEquals(requests.length + 2, audit.size(), String.join("\n", audit));
        assertEquals(requests.length + 3, fx.audit().size(), "and one intent, of the run");
        assertTrue(audit.get(2).matches("\\S+Z pid=[0-9]+ id=\\S+ phase=outcome peer=127\\.0\\.0\\.1"
                + " request=\"foo-restart\" decision=ok"
                + " command=foo-restart exit=0 duration=[0-9.]+ reply=\"OK foo-restart exit=0 [0-9.]+s\".*"),
                audit.get(2));
        assertTrue(audit.get(4).contains("request=\"foo;id\" decision=bad-request"), audit.get(4));
        assertTrue(audit.get(7).contains("request=- decision=timeout"), audit.get(7));
    }

    @Test
    void theAuditLogEscapesEveryByteItDidNotExpect() throws IOException {
        fx.serve(Peer.remote(IpAddress.parse("127.0.0.1")), Clock.systemUTC(),
                new ByteArrayInputStream(new byte[] {'a', 0, '"', '\\', (byte) 0xc3, (byte) 0xb4, 0x1b, '\n'}));
        assertTrue(fx.audit().get(0).contains("request=\"a\\x00\\\"\\\\\\xc3\\xb4\\x1b\""), fx.audit().get(0));
    }

    @Test
    void aBrokenConfigurationAnswersErrInternalAndRunsNothing() throws IOException {
        fx.set("command.foo-restart", "relative/restart.sh");
        assertEquals("ERR internal\n", fx.serve("foo-restart\n"));
        assertEquals(List.of(), fx.runs());
        assertTrue(fx.audit().get(0).contains("request=\"foo-restart\" decision=internal"), fx.audit().get(0));
        assertTrue(fx.audit().get(0).contains("is not an absolute path"), fx.audit().get(0));
    }

    @Test
    void resetIsForLocalOperatorsOnly() {
        ByteArrayInputStreamHolder none = new ByteArrayInputStreamHolder();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = new CommandListener(() -> Connection.of(Peer.remote(IpAddress.parse("127.0.0.1"))),
                Clock.systemUTC()).run(none.in, out, "--config", fx.config.toString(), "--reset", "foo-restart");
        assertEquals(1, code);
        assertEquals("ERR denied\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertEquals("ERR internal usage: unknown argument '--bogus'; " + Invocation.USAGE + "\n",
                fx.operator("--bogus"));
        assertEquals("ERR internal usage: --config needs a value; " + Invocation.USAGE + "\n",
                fx.operator("--config"));
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private ListenerFixture fxWith(String key, String value) {
        try {
            return fx.set(key, value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String request(Clock clock, String line) {
        return fx.serve(Peer.remote(IpAddress.parse("127.0.0.1")), clock,
                new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.US_ASCII)));
    }

    /** A client that connects and never sends a byte (the reader thread is a daemon and simply stays). */
    private static InputStream silent() {
        CountDownLatch never = new CountDownLatch(1);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
    }

    private static final class ByteArrayInputStreamHolder {
        final InputStream in = new ByteArrayInputStream(new byte[0]);
    }

    static boolean deadOrZombieWithin(long pid, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        Path stat = Path.of("/proc/" + pid + "/stat");
        while (System.nanoTime() < end) {
            String text;
            try {
                text = Files.readString(stat);
            } catch (IOException e) {
                return true;
            }
            // The state is the field after the parenthesised name.
            if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void waitFor(Condition condition) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached within 5 s");
            }
            Thread.sleep(10);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A clock the test moves by hand, for the budget window. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
