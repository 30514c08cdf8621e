package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local watch, {@code command-listener --watch}, as a real process over the real foo on its own loopback
 * address, healing through the real listener's heal path: a crash and a hang healed in seconds, WARNING and
 * UNKNOWN never, an operator's stop respected, a heal asked meanwhile by the monitor refused busy, the budget
 * holding a flapping worker, a slow starter restarted once, the watch killed mid-heal, a reload on SIGHUP.
 * Each prints its measured times.
 */
class WatchIT {
    private static final String FOO_OPTS = "--heartbeat-warn 1 --heartbeat-fail 2";
    private WatchedHost host;

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
    }

    private WatchedHost start(Map<String, String> extra) throws Exception {
        host = WatchedHost.create(FOO_OPTS, extra);
        host.startWatch();
        return host;
    }

    /** How long until a new foo answered; then waits for the heal's outcome record too. */
    private Duration healed(long oldPid, Duration limit, String what) {
        Duration took = Poll.until(limit, what, () -> host.answersOk(oldPid), host::diagnostics);
        Poll.until(Duration.ofSeconds(10), "the outcome record of " + what, this::lastRunHasItsOutcome,
                host::diagnostics);
        return took;
    }

    /** Whether the latest intent record has its outcome record (same id) yet. */
    private boolean lastRunHasItsOutcome() {
        List<String> lines = host.auditLines();
        String id = null;
        for (String line : lines) {
            if (line.contains(" phase=intent ")) {
                id = line.substring(line.indexOf(" id=") + 4, line.indexOf(" phase="));
            }
        }
        String ran = " id=" + id + " phase=outcome ";
        return id == null || lines.stream().anyMatch(l -> l.contains(ran));
    }

    @Test
    void aCrashIsHealedInSecondsThroughTheHealPath() throws Exception {
        start(Map.of());
        Thread.sleep(3500); // past the grace of the watch's start
        long pid = host.killFoo();
        Duration took = healed(pid, Duration.ofSeconds(20), "a new foo answering after kill -9");
        System.out.println("WatchIT: kill -9 healed in " + took.toMillis() + " ms");
        assertEquals(1, host.restarts("watch"), host.diagnostics());
        assertTrue(host.auditLines().stream().anyMatch(l -> l.contains(" phase=intent peer=watch request=\"foo-restart\"")),
                "the run's intent was recorded first, naming the trigger\n" + host.diagnostics());
        assertTrue(host.log().contains("foo: asked foo-restart: OK foo-restart exit=0 "), host.diagnostics());
    }

    @Test
    void aHangIsHealedSoonAfterTheHeartbeatFails() throws Exception {
        start(Map.of());
        Thread.sleep(3500);
        long pid = host.fooPid();
        host.fault("hang", "");
        Duration took = healed(pid, Duration.ofSeconds(25), "a new foo answering after the hang");
        System.out.println("WatchIT: hang healed in " + took.toMillis() + " ms (heartbeat-fail 2 s)");
        assertEquals(1, host.restarts("watch"), host.diagnostics());
    }

    @Test
    void warningAndUnknownNeverHeal() throws Exception {
        // WARNING: any response time is above 1 us; UNKNOWN: a value the document does not have
        host = WatchedHost.create(FOO_OPTS, Map.of("watch.foo.args", "-w 0.000001", "watch.foo.grace", "1"));
        host.configure(Map.of("watch.bar.url", "http://" + WatchedHost.ADDRESS + ":" + host.port + "/health",
                "watch.bar.args", "--value /nope,crit=1", "watch.bar.heal", "foo-restart", "watch.bar.grace", "1"));
        host.startWatch();
        long pid = host.fooPid();
        Thread.sleep(10_000);
        assertEquals(pid, host.fooPid(), host.diagnostics());
        assertEquals(0, host.restarts("watch"), host.diagnostics());
        assertTrue(!host.log().contains("CRITICAL 1/"), host.diagnostics());
        // and the watch was reading all along: a crash is CRITICAL for either and healed
        host.killFoo();
        healed(pid, Duration.ofSeconds(20), "a crash, to show the watch was reading");
    }

    @Test
    void anOperatorsStopIsNotUndoneUntilTheWorkerIsStarted() throws Exception {
        start(Map.of());
        Thread.sleep(3500);
        assertTrue(host.request("foo-stop").startsWith("OK foo-stop exit=0 "), host.diagnostics());
        Thread.sleep(6000);
        assertTrue(!host.fooAlive(), "foo stayed stopped\n" + host.diagnostics());
        assertEquals(0, host.restarts("watch"), host.diagnostics());
        assertTrue(host.log().contains("stopped by an operator"), host.diagnostics());
        assertTrue(host.request("foo-start").startsWith("OK foo-start exit=0 "), host.diagnostics());
        long pid = host.fooPid();
        Poll.until(Duration.ofSeconds(5), "the watch to watch again", () -> host.log().contains("watching again"),
                host::diagnostics);
        host.killFoo();
        healed(pid, Duration.ofSeconds(20), "a crash after the start healed again");
        assertEquals(1, host.restarts("watch"), host.diagnostics());
    }

    @Test
    void aHealAskedByTheMonitorMeanwhileIsBusyAndOneRestartRuns() throws Exception {
        start(Map.of());
        Thread.sleep(3500);
        host.fault("slow-start", "4"); // the watch's restart takes over 4 s
        long pid = host.killFoo();
        Poll.until(Duration.ofSeconds(10), "the watch's restart to start",
                () -> host.auditLines().stream().anyMatch(l -> l.contains(" phase=intent peer=watch ")), host::diagnostics);
        Thread.sleep(500);
        assertEquals("ERR busy foo-restart", host.request("foo-restart"), host.diagnostics());
        healed(pid, Duration.ofSeconds(20), "the slow restart to come up");
        assertTrue(host.request("foo-restart").startsWith("OK foo-restart settling "), host.diagnostics());
        assertEquals(1, host.restarts("watch") + host.restarts("local"), "one restart in all\n" + host.diagnostics());
    }

    @Test
    void theBudgetHoldsAFlappingWorkerAndTheWatchSaysSoAndStops() throws Exception {
        start(Map.of("command.foo-restart.budget", "2/15m", "command.foo-restart.settle", "0",
                "command.foo-restart.flap", "1/1h"));
        Thread.sleep(3500);
        for (int i = 0; i < 2; i++) {
            long pid = host.killFoo();
            healed(pid, Duration.ofSeconds(20), "heal " + (i + 1));
            Thread.sleep(3500); // its grace
        }
        host.killFoo();
        Poll.until(Duration.ofSeconds(20), "the watch to report the exhausted budget",
                () -> host.log().contains("BUDGET EXHAUSTED for foo-restart"), host::diagnostics);
        Thread.sleep(5000);
        assertEquals(2, host.restarts("watch"), host.diagnostics());
        long refusals = host.auditLines().stream().filter(l -> l.contains("reply=\"ERR budget-exhausted")).count();
        assertEquals(1, refusals, "asked once, then held\n" + host.diagnostics());
        assertTrue(!host.fooAlive(), "left down for the monitor and the operator");
        assertTrue(host.log().contains("foo: FLAPPING: foo-restart ran more often than its flap 1/1h allows (2 heals in 1h)"),
                "the second heal is one more than the flap allows\n" + host.diagnostics());
    }

    @Test
    void aSlowStarterIsRestartedOnceAndComesUp() throws Exception {
        start(Map.of("watch.foo.grace", "12"));
        Thread.sleep(12_500);
        host.fault("slow-start", "8");
        long pid = host.killFoo();
        Duration took = healed(pid, Duration.ofSeconds(40), "the slow starter to come up");
        Thread.sleep(4000);
        System.out.println("WatchIT: 8 s starter up after " + took.toMillis() + " ms");
        assertEquals(1, host.restarts("watch"), host.diagnostics());
        assertTrue(host.answersOk(pid), host.diagnostics());
    }

    @Test
    void theWatchKilledMidHealLeavesLockAndBudgetConsistent() throws Exception {
        start(Map.of());
        Thread.sleep(3500);
        host.fault("slow-start", "5");
        long pid = host.killFoo();
        java.nio.file.Path ledger = host.dir.resolve("listener/state/foo-restart.runs");
        Poll.until(Duration.ofSeconds(10), "the watch's restart script to start (counted in the ledger)",
                () -> java.nio.file.Files.exists(ledger), host::diagnostics);
        host.watch().destroyForcibly();
        host.watch().waitFor();
        assertEquals("ERR busy foo-restart", host.request("foo-restart"), "the orphaned restart still holds the group");
        // its listener is gone, so no outcome record: the foo it starts is the proof
        Poll.until(Duration.ofSeconds(20), "the orphaned restart to bring foo up", () -> host.answersOk(pid),
                host::diagnostics);
        host.startWatch();
        Thread.sleep(3500);
        long second = host.killFoo();
        healed(second, Duration.ofSeconds(20), "the next heal after the watch came back");
        assertEquals(2, java.nio.file.Files.readAllLines(ledger).size(), "both runs counted once\n" + host.diagnostics());
    }

    @Test
    void sighupReloadsKeepingTheCounters() throws Exception {
        start(Map.of());
        Thread.sleep(3500);
        host.configure(Map.of("watch.foo.after", "3"));
        host.hangUp();
        Poll.until(Duration.ofSeconds(5), "the reload", () -> host.log().contains("reloaded"), host::diagnostics);
        long pid = host.killFoo();
        healed(pid, Duration.ofSeconds(20), "a crash healed after the reload");
        assertTrue(host.log().contains("foo: CRITICAL 3/3"), "the new 'after' applies\n" + host.diagnostics());
        assertEquals(1, host.log().split("foo: watching ", -1).length - 1, "foo's watch was kept, not restarted");
        host.configure(Map.of("watch.foo.after", "zero"));
        host.hangUp();
        Poll.until(Duration.ofSeconds(5), "the refused reload", () -> host.log().contains("reload refused"),
                host::diagnostics);
    }

    @Test
    void aWorkerThatFailsAgainWithinTheSettleIsHealedOnceItIsOver() throws Exception {
        start(Map.of("command.foo-restart.settle", "6", "watch.foo.grace", "2"));
        Thread.sleep(2500);
        long first = host.killFoo();
        healed(first, Duration.ofSeconds(20), "the first kill -9");
        long second = host.killFoo(); // at once: within the settle of the restart that just ended
        Duration took = healed(second, Duration.ofSeconds(30), "the kill -9 within the settle");
        System.out.println("WatchIT: a second kill -9 within a 6 s settle healed after " + took.toMillis() + " ms");
        assertTrue(host.log().contains("foo: asked foo-restart: OK foo-restart settling "),
                "the echo of the first was not a second restart\n" + host.diagnostics());
        assertEquals(2, host.restarts("watch"), "one restart per kill\n" + host.diagnostics());
    }
}
