package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A heal never restarts a worker that a heal has just restarted: within the listener's settle after a good
 * run, another request for foo-restart runs nothing. Proved at the listener, with requests sent right after a
 * restart, and through Nagios, whose retries ask again while a restart as long as a retry interval runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoubleRestartIT {
    private static final String RESTART = "foo-restart";
    private static final Pattern SETTLING = Pattern.compile("^OK foo-restart settling ([0-9.]+)s$");
    private static final Pattern RAN = Pattern.compile("^OK foo-restart exit=0 ([0-9.]+)s$");

    /** The second request goes this long after the reply to the first, in turn. */
    private static final double[] ECHO_AFTER = {0.1, 1, 2, 3};
    private static final int KILLS = 20;
    /**
     * Longer than the last echo (3 s) plus what it takes to reach the listener's decision (xinetd, a JVM
     * start: up to 1.5 s on a busy 2-core machine), so every echo falls inside it.
     */
    private static final String LISTENER_SETTLE = "5";
    private static final int NAGIOS_KILLS = 4;
    private static final double SLOW_START_SECONDS = 2.5;

    /** The Nagios-level scenario, on its own stack, alongside the listener-level one (which mostly waits). */
    private BackgroundScenario throughNagios;

    @BeforeAll
    void startTheNagiosLevelScenario() {
        throughNagios = BackgroundScenario.start(DoubleRestartIT::restartsAsLongAsARetryIntervalThroughNagios);
    }

    @AfterAll
    void awaitTheNagiosLevelScenario() throws Throwable {
        throughNagios.await();
    }

    @Test
    void aRequestMomentsAfterARestartRunsNothingAndLeavesTheNewWorkerRunning() throws Exception {
        // Nagios checks rarely and its handler is switched off: every request here is the test's own. The
        // budget allows every kill's restart.
        try (PrivateStack stack = PrivateStack.start(Map.of("STACK_SETTLE", LISTENER_SETTLE,
                "STACK_BUDGET", (KILLS + 1) + "/15m", "STACK_CHECK_INTERVAL", "30", "STACK_LISTENER_INTERVAL", "30"));
             FooWatch foos = stack.watchFoo()) {
            stack.nagiosCommand("DISABLE_SVC_EVENT_HANDLER;foo-host;" + PrivateStack.WORKER);
            Poll.until(Duration.ofSeconds(10), "Nagios to switch off the foo worker's event handler",
                    () -> stack.lines("NAGIOS_LOG").stream().anyMatch(l -> l.contains(
                            "EXTERNAL COMMAND: DISABLE_SVC_EVENT_HANDLER;foo-host;" + PrivateStack.WORKER)),
                    stack::diagnostics);

            List<String> figures = new ArrayList<>();
            for (int kill = 0; kill < KILLS; kill++) {
                long killed = stack.killFoo();
                String reply = stack.listenerRequest(RESTART);
                long repliedAt = System.nanoTime();
                Matcher ran = RAN.matcher(reply);
                assertTrue(ran.matches(), "kill " + (kill + 1) + ": " + reply + "\n" + stack.diagnostics());
                long healed = stack.fooPid();
                assertNotEquals(killed, healed, "the pidfile still names the killed foo");

                double echoAfter = ECHO_AFTER[kill % ECHO_AFTER.length];
                sleepUntil(repliedAt + (long) (echoAfter * 1e9));
                long sentAt = System.nanoTime();
                String echo = stack.listenerRequest(RESTART);
                double answeredIn = (System.nanoTime() - sentAt) / 1e9;
                Matcher settling = SETTLING.matcher(echo);
                assertTrue(settling.matches(), "kill " + (kill + 1) + ", request " + echoAfter
                        + " s after the restart: " + echo + "\n" + stack.diagnostics());
                assertEquals(healed, stack.fooPid(), "the echo replaced the worker it should have left alone");
                assertTrue(ProcessHandle.of(healed).map(ProcessHandle::isAlive).orElse(false),
                        "the restarted foo (pid " + healed + ") died after the echo");
                figures.add(String.format("kill %2d: restart %ss; echo at +%.1f s: answered in %.2f s, %ss left",
                        kill + 1, ran.group(1), echoAfter, answeredIn, settling.group(1)));

                // Wait the settle out, so the next kill's request runs (the listener decided before it replied).
                Thread.sleep((long) (Double.parseDouble(settling.group(1)) * 1000) + 200);
            }
            figures.forEach(System.out::println);

            List<String> outcomes = stack.requests(RESTART).stream()
                    .filter(l -> l.contains("phase=outcome")).toList();
            assertEquals(2 * KILLS, outcomes.size(), "two requests per kill:\n" + String.join("\n", outcomes));
            for (int i = 0; i < outcomes.size(); i++) {
                boolean expectRun = i % 2 == 0;
                assertTrue(expectRun ? PrivateStack.ran(outcomes.get(i), RESTART)
                                : PrivateStack.settled(outcomes.get(i), RESTART),
                        "request " + (i + 1) + " should have " + (expectRun ? "run" : "settled") + ": "
                                + outcomes.get(i));
            }
            assertEquals(KILLS, stack.runs(RESTART), "exactly one run per kill, 0 double restarts");
            assertEquals(KILLS + 1, foos.started().size(), "foo processes: the first and one per kill, "
                    + foos.started());
            assertTrue(stack.lines("HANDLER_LOG").isEmpty(), "the event handler was off, yet it logged:\n"
                    + String.join("\n", stack.lines("HANDLER_LOG")));
            System.out.printf("listener: %d kills, %d runs, %d settling, 0 double restarts, %d foo processes%n",
                    KILLS, stack.runs(RESTART), outcomes.stream().filter(l -> PrivateStack.settled(l, RESTART)).count(),
                    foos.started().size());
        }
    }

    @Test
    void aRestartAsLongAsARetryIntervalRunsOncePerKillThoughNagiosRetriesAskAgain() throws Throwable {
        throughNagios.await();
    }

    private static void restartsAsLongAsARetryIntervalThroughNagios() throws Exception {
        // Each start waits 2.5 s before foo listens: with its JVM, a restart outlasts the 2 s retry interval, so
        // the next attempt's handler meets it running (ERR busy), asks again, and meets the settle after it.
        try (PrivateStack stack = PrivateStack.start(Map.of(
                "STACK_FOO_OPTS", "--heartbeat-warn 2 --heartbeat-fail 3 --start-delay " + SLOW_START_SECONDS,
                "STACK_BUDGET", (NAGIOS_KILLS + 1) + "/15m"));
             FooWatch foos = stack.watchFoo()) {
            int retry = stack.envInt("RETRY_INTERVAL");
            double settle = Double.parseDouble(stack.env("STACK_SETTLE"));
            assertTrue(SLOW_START_SECONDS >= retry, "the restart must outlast the retry interval");
            List<String> healedIn = new ArrayList<>();
            for (int kill = 0; kill < NAGIOS_KILLS; kill++) {
                stack.awaitService(PrivateStack.WORKER, ServiceStatus.OK, true, Duration.ofSeconds(60));
                // The settle after the last heal is over (it began before this OK), so this kill's heal runs.
                Thread.sleep((long) (settle * 1000));
                long since = System.currentTimeMillis() / 1000;
                long killed = stack.killFoo();
                long start = System.nanoTime();
                Poll.until(Duration.ofSeconds(60), "kill " + (kill + 1) + " to be healed (foo worker OK again)",
                        () -> stack.service(PrivateStack.WORKER).enteredSince(ServiceStatus.OK, since)
                                && stack.fooPid() != killed && stack.fooPid() > 0,
                        stack::diagnostics);
                healedIn.add(String.format("%.2f", (System.nanoTime() - start) / 1e9));
            }
            // Handlers still asking (busy, then settling) end within their -t, each with one last line.
            stack.awaitHandlersDone(Duration.ofSeconds(stack.envInt("STACK_HEAL_TIMEOUT") + 5));

            List<String> outcomes = stack.requests(RESTART).stream().filter(l -> l.contains("phase=outcome")).toList();
            long settled = outcomes.stream().filter(l -> PrivateStack.settled(l, RESTART)).count();
            long busy = outcomes.stream().filter(l -> l.contains("reply=\"ERR busy " + RESTART)).count();
            assertEquals(NAGIOS_KILLS, stack.runs(RESTART), "one run per kill, 0 double restarts:\n" + stack.diagnostics());
            assertEquals(outcomes.size(), stack.runs(RESTART) + settled + busy,
                    "every other request was met busy or settling:\n" + String.join("\n", outcomes));
            assertEquals(NAGIOS_KILLS + 1, foos.started().size(), "foo processes: the first and one per kill, "
                    + foos.started());
            System.out.printf("nagios: %d kills healed in %s s (start delay %.1f s, retry interval %d s, settle %s s);"
                    + " %d runs, %d busy, %d settling, 0 double restarts%n", NAGIOS_KILLS, String.join(" ", healedIn),
                    SLOW_START_SECONDS, retry, stack.env("STACK_SETTLE"), stack.runs(RESTART), busy, settled);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }
}
