package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import selfheal.heal.CommandListenerTest.MutableClock;

/**
 * A request for a command soon after its run ended well runs nothing: the late echo of a trouble already
 * healed must not restart the fresh worker. From the network and in-process alike, across listener
 * processes (the state is on disk), and never after a run that failed.
 */
class SettleTest {
    @TempDir
    Path tmp;
    ListenerFixture fx;
    MutableClock clock;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
        fx.set("command.foo-restart.settle", "10");
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    private String ask(String line) {
        return fx.serve(Peer.remote(IpAddress.parse("127.0.0.1")), clock,
                new java.io.ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.US_ASCII)));
    }

    private int starts() throws IOException {
        return (int) fx.runs().stream().filter(l -> l.startsWith("start ")).count();
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 1, 2, 3, 9.9})
    void aSecondRequestWithinTheSettleRunsNothingAndIsAnsweredOk(double after) throws Exception {
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
        clock.advance(Duration.ofMillis(Math.round(after * 1000)));
        String left = Reply.seconds(10 - after);
        assertEquals("OK foo-restart settling " + left + "\n", ask("foo-restart"));
        assertEquals(1, starts(), "one run, no double restart");
        String record = fx.outcomes().get(1);
        assertTrue(record.contains(" decision=settling command=foo-restart exit=- "), record);
        assertTrue(record.contains(" reply=\"OK foo-restart settling " + left + "\""), record);
        assertTrue(record.contains(" detail=\"last run ended well " + Reply.seconds(after)
                + " ago; nothing runs within its settle of 10.00s\""), record);
        assertEquals(List.of(), fx.audit().stream().filter(l -> l.contains(" phase=intent ")).skip(1).toList(),
                "no intent: nothing was about to run");
    }

    @Test
    void onceTheSettleIsOverTheCommandRunsAgain() throws Exception {
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
        clock.advance(Duration.ofSeconds(10));
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
        assertEquals(2, starts());
    }

    @Test
    void aRunThatFailedOrTimedOutStartsNoSettle() throws Exception {
        fx.command("foo-restart", "fail.sh", "").set("command.foo-restart.settle", "10");
        assertTrue(ask("foo-restart").startsWith("ERR failed foo-restart exit=3 "));
        assertTrue(ask("foo-restart").startsWith("ERR failed foo-restart exit=3 "), "the worker is still down: it runs");
        Path pids = tmp.resolve("hang.pids");
        fx.command("foo-restart", "hang.sh", pids.toString()).set("command.foo-restart.settle", "10")
                .set("command.foo-restart.timeout", "0.3");
        assertTrue(ask("foo-restart").startsWith("ERR timeout foo-restart "));
        assertTrue(ask("foo-restart").startsWith("ERR timeout foo-restart "), "a hung restart healed nothing: it runs");
    }

    @Test
    void theSettleHoldsAcrossListenerProcessesAndTriggers() throws Exception {
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
        // in-process, a new HealPath with a new configuration load: only the file in state.dir carries it
        Handled watch = new HealPath(clock).handle(Peer.inProcess("watch"),
                "foo-restart".getBytes(StandardCharsets.US_ASCII), ListenerConfig.load(fx.config));
        assertEquals("OK foo-restart settling 10.00s", watch.reply().line());
        assertTrue(watch.reply().ok(), "the handler counts it as success");
        assertEquals(1, starts());
    }

    @Test
    void aRequestDuringTheRunIsBusyAndTheFirstAfterItSettles() throws Exception {
        fx.set("command.foo-restart.args", fx.marker + " 1");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> first = pool.submit(() -> ask("foo-restart"));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (starts() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("ERR busy foo-restart\n", ask("foo-restart"));
            assertTrue(first.get().startsWith("OK foo-restart exit=0 "));
            assertTrue(ask("foo-restart").startsWith("OK foo-restart settling "));
            assertEquals(1, starts());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void otherCommandsOfTheGroupAreNotHeldBack() throws Exception {
        fx.command("foo-stop", "record.sh", tmp.resolve("stop.marker").toString());
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
        assertTrue(ask("foo-stop").startsWith("OK foo-stop exit=0 "), "an operator may still stop it");
    }

    @Test
    void resetForgetsTheSettle() throws Exception {
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
        String reset = fx.operator("--config", fx.config.toString(), "--reset", "foo-restart");
        assertTrue(reset.startsWith("OK reset foo-restart (budget was not exhausted; runs forgotten; last good"
                + " run forgotten, the next request runs; heal history forgotten (no longer flapping))"), reset);
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
    }

    @Test
    void aDamagedSettleFailsClosedAndPingSaysSo() throws Exception {
        Files.writeString(fx.stateDir.resolve("foo-restart.settle"), "garbage\n", StandardCharsets.US_ASCII);
        assertEquals("ERR state foo-restart\n", ask("foo-restart"));
        assertEquals("ERR state foo-restart\n", ask("ping"));
        assertEquals(0, starts());
        Files.delete(fx.stateDir.resolve("foo-restart.settle"));
        Files.createSymbolicLink(fx.stateDir.resolve("foo-restart.settle"), tmp.resolve("elsewhere"));
        assertEquals("ERR state foo-restart\n", ask("foo-restart"), "never read through a link");
    }

    @Test
    void aClockSetBackCannotStretchTheSettle() throws Exception {
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
        clock.advance(Duration.ofHours(-5));
        assertEquals("OK foo-restart settling 10.00s\n", ask("foo-restart"));
    }

    @Test
    void zeroMeansNoSettle() throws Exception {
        fx.set("command.foo-restart.settle", "0");
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
        assertTrue(ask("foo-restart").startsWith("OK foo-restart exit=0 "));
        assertEquals(2, starts());
        assertTrue(Files.notExists(fx.stateDir.resolve("foo-restart.settle")));
    }
}
