package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heal path called in-process, as a component in the listener's JVM (a local watch) will call it: the
 * same whitelist, arguments check, lock groups, budgets and audit records as a request from the network.
 */
class HealPathTest {
    static final Peer WATCH = Peer.inProcess("watch");

    @TempDir
    Path tmp;
    ListenerFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
    }

    private Handled ask(Clock clock, Peer requester, String line) throws ConfigException {
        return new HealPath(clock).handle(requester, line.getBytes(StandardCharsets.US_ASCII),
                ListenerConfig.load(fx.config));
    }

    private Handled ask(String line) throws ConfigException {
        return ask(Clock.systemUTC(), WATCH, line);
    }

    @Test
    void aWhitelistedCommandRunsOnceAndIsAuditedUnderTheRequestersName() throws Exception {
        Handled handled = ask("foo-restart");
        assertTrue(handled.reply().line().matches("OK foo-restart exit=0 [0-9]+\\.[0-9]{2}s"), handled.reply().line());
        assertEquals(0, handled.exit());
        assertEquals(2, fx.runs().size());
        List<String> audit = fx.audit();
        assertEquals(2, audit.size(), audit.toString());
        assertTrue(audit.get(0).matches("\\S+Z pid=[0-9]+ id=\\S+ phase=intent peer=watch request=\"foo-restart\""
                + " decision=run command=foo-restart exit=- duration=[0-9.]+ reply=-"), audit.get(0));
        assertTrue(audit.get(1).matches("\\S+Z pid=[0-9]+ id=\\S+ phase=outcome peer=watch request=\"foo-restart\""
                + " decision=ok"
                + " command=foo-restart exit=0 duration=[0-9.]+ reply=\"OK foo-restart exit=0 [0-9.]+s\""
                + " detail=\"restarted\\\\n\""), audit.get(1));
    }

    @Test
    void theScriptSeesTheInProcessRequesterAsItsPeer() throws Exception {
        Path out = tmp.resolve("env.out");
        fx.command("foo-restart", "env.sh", out.toString());
        assertTrue(ask("foo-restart").reply().ok());
        assertTrue(Files.readAllLines(out).contains("SELFHEAL_PEER=watch"), Files.readString(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bar-restart", "foo-restart;id", "foo-restart now", "foo-restart $(id)", "", "ping now"})
    void whatTheWhitelistOrItsArgumentsRefuseRunsNothingAndIsAudited(String line) throws Exception {
        Handled handled = ask(line);
        assertTrue(handled.reply().line().startsWith("ERR "), handled.reply().line());
        assertEquals(null, handled.exit());
        assertEquals(List.of(), fx.runs());
        assertEquals(1, fx.audit().size());
        assertTrue(fx.audit().get(0).contains(" peer=watch "), fx.audit().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bar-restart", "foo;id", "foo-restart now", "ping now", "ping", "help", "foo-restart"})
    void anInProcessRequestIsAnsweredAndAuditedExactlyAsTheSameLineFromTheNetwork(String line) throws Exception {
        String network = fx.serve(line + "\n");
        String inProcess = ask(line).reply().line() + "\n";
        List<String> audit = fx.outcomes();
        assertEquals(2, audit.size(), audit.toString());
        assertEquals(withoutTimes(network), withoutTimes(inProcess));
        assertEquals(withoutTimes(audit.get(0))
                        .replaceFirst("^phase=outcome peer=127\\.0\\.0\\.1 ", "phase=outcome peer=watch "),
                withoutTimes(audit.get(1)));
    }

    /** Drops what differs between two runs of one request: time, pid, duration, seconds. */
    private static String withoutTimes(String s) {
        return s.replaceAll("^\\S+Z pid=[0-9]+ id=\\S+ ", "").replaceAll("duration=[0-9.]+", "duration=")
                .replaceAll("[0-9]+\\.[0-9]{2}s", "s");
    }

    @Test
    void theBudgetIsSharedWithNetworkRequestsAndRefusesBeyondIt() throws Exception {
        fx.set("command.foo-restart.budget", "2/15m");
        CommandListenerTest.MutableClock clock =
                new CommandListenerTest.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        assertTrue(ask(clock, WATCH, "foo-restart").reply().ok());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(fx.serve(Peer.remote(IpAddress.parse("127.0.0.1")), clock,
                new ByteArrayInputStream("foo-restart\n".getBytes(StandardCharsets.US_ASCII))).startsWith("OK "),
                "a network run counts against the same budget");
        clock.advance(Duration.ofMinutes(1));
        Handled refused = ask(clock, WATCH, "foo-restart");
        assertEquals("ERR budget-exhausted foo-restart 2/15m", refused.reply().line());
        assertEquals(4, fx.runs().size(), "only the two granted runs ran");
        assertTrue(fx.outcomes().get(2).contains("peer=watch request=\"foo-restart\" decision=budget-exhausted"),
                fx.outcomes().get(2));
        assertEquals("OK pong budget-exhausted=foo-restart\n", fx.serve("ping\n"));
    }

    @Test
    void aScriptThatCouldNotBeStartedSpendsNoBudget() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("workdir"));
        fx.set("command.foo-restart.budget", "1/1h").set("command.foo-restart.dir", dir.toString());
        ListenerConfig config = ListenerConfig.load(fx.config);
        Files.delete(dir); // gone after the configuration was read: the script cannot be started there
        Handled failed = new HealPath(Clock.systemUTC()).handle(WATCH, "foo-restart".getBytes(StandardCharsets.US_ASCII),
                config);
        assertEquals("ERR internal foo-restart", failed.reply().line());
        assertEquals(List.of(), fx.runs());

        Files.createDirectory(dir);
        assertTrue(ask("foo-restart").reply().ok(), "the one run of the budget is still there");
        assertEquals("ERR budget-exhausted foo-restart 1/1h", ask("foo-restart").reply().line());
    }

    @Test
    void aCommandOfAGroupThatIsRunningIsBusyWhicheverTriggerStartedIt() throws Exception {
        fx.set("command.foo-restart.args", fx.marker + " 1");
        fx.command("foo-stop", "record.sh", fx.marker.toString());
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            Future<String> network = pool.submit(() -> fx.serve("foo-restart\n"));
            CommandListenerTest.waitFor(() -> fx.runs().size() == 1);
            assertEquals("ERR busy foo-stop", ask("foo-stop").reply().line());
            assertTrue(network.get().startsWith("OK foo-restart exit=0 "));

            Future<Handled> inProcess = pool.submit(() -> ask("foo-restart"));
            CommandListenerTest.waitFor(() -> fx.runs().size() == 3);
            assertEquals("ERR busy foo-stop\n", fx.serve("foo-stop\n"));
            assertTrue(inProcess.get().reply().line().startsWith("OK foo-restart exit=0 "));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(4, fx.runs().size(), "two runs, neither busy one ran");
        assertTrue(fx.audit().stream().anyMatch(l -> l.contains("peer=watch request=\"foo-stop\" decision=busy")),
                String.join("\n", fx.audit()));
    }

    @Test
    void theRequesterIsAuthorizedAsOnTheNetwork() throws Exception {
        Handled handled = ask(Clock.systemUTC(), Peer.remote(IpAddress.parse("192.0.3.1")), "foo-restart");
        assertEquals("ERR denied", handled.reply().line());
        assertEquals(List.of(), fx.runs());
        assertTrue(fx.audit().get(0).contains("peer=192.0.3.1 request=\"foo-restart\" decision=denied"),
                fx.audit().get(0));
    }

    @Test
    void anInProcessRequesterHasANameThatIsNeitherLocalNorAnAddress() {
        assertEquals("watch", Peer.inProcess("watch").label());
        assertTrue(Peer.inProcess("watch").allowedBy(configAllowingNothingButLoopback()));
        assertEquals(false, Peer.inProcess("watch").isLocal());
        for (String bad : new String[] {"local", "", "127.0.0.1", "watch me", "-watch", "unknown:x"}) {
            assertThrows(IllegalArgumentException.class, () -> Peer.inProcess(bad), bad);
        }
    }

    private ListenerConfig configAllowingNothingButLoopback() {
        try {
            return ListenerConfig.load(fx.set("allow", "127.0.0.1").config);
        } catch (IOException | ConfigException e) {
            throw new IllegalStateException(e);
        }
    }
}
