package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A worker that takes 45 s to start is restarted once, and comes up without an operator, however often Nagios
 * asks meanwhile: whether its retries come every 2 s (many requests during the start) or every 30 s (one), each
 * other request is met busy (the start still runs) or settling (it has just ended well). No second foo ever runs.
 * Timeouts are raised to fit the start, in the shipped order: start 60 < listener 70 < handler 75 < Nagios 80.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowStarterIT {
    private static final String RESTART = "foo-restart";
    private static final int START_SECONDS = 45;
    private static final Pattern RAN = Pattern.compile("reply=\"OK foo-restart exit=0 ([0-9.]+)s\"");

    /** The 30 s retry interval takes longest: it runs on its own stack while the 2 s one runs in the test thread. */
    private BackgroundScenario slowRetries;

    @BeforeAll
    void startTheSlowRetries() {
        slowRetries = BackgroundScenario.start(() -> killAndAwaitOneSlowRestart(30));
    }

    @AfterAll
    void awaitTheSlowRetries() throws Throwable {
        slowRetries.await();
    }

    @Test
    void retriesEveryTwoSecondsMeetTheStartBusyOrSettlingAndRunNothing() throws Exception {
        killAndAwaitOneSlowRestart(2);
    }

    @Test
    void retriesEveryThirtySecondsMeetTheStartBusyOrSettlingAndRunNothing() throws Throwable {
        slowRetries.await();
    }

    private static void killAndAwaitOneSlowRestart(int retryInterval) throws Exception {
        try (PrivateStack stack = PrivateStack.start(Map.of("STACK_RETRY_INTERVAL", String.valueOf(retryInterval),
                "STACK_START_TIMEOUT", "60", "STACK_COMMAND_TIMEOUT", "70", "STACK_HEAL_TIMEOUT", "75",
                "STACK_EVENT_HANDLER_TIMEOUT", "80"));
             FooWatch foos = stack.watchFoo()) {
            String where = "retry interval " + retryInterval + " s";
            stack.fault("slow-start", String.valueOf(START_SECONDS));
            long since = System.currentTimeMillis() / 1000;
            long killed = stack.killFoo();
            long start = System.nanoTime();

            // Seen at the first check, healed at the second attempt, then the start and the forced re-check.
            Duration limit = Duration.ofSeconds(stack.envInt("CHECK_INTERVAL") + retryInterval + START_SECONDS + 30);
            Poll.until(limit, "foo worker OK again without an operator (" + where + ")",
                    () -> stack.service(PrivateStack.WORKER).enteredSince(ServiceStatus.OK, since)
                            && stack.fooPid() > 0 && stack.fooPid() != killed,
                    stack::diagnostics);
            double healedIn = (System.nanoTime() - start) / 1e9;
            stack.awaitHandlersDone(Duration.ofSeconds(stack.envInt("STACK_HEAL_TIMEOUT") + 5));

            List<String> outcomes = stack.requests(RESTART).stream().filter(l -> l.contains("phase=outcome")).toList();
            long settled = outcomes.stream().filter(l -> PrivateStack.settled(l, RESTART)).count();
            long busy = outcomes.stream().filter(l -> l.contains("reply=\"ERR busy " + RESTART)).count();
            assertEquals(1, stack.runs(RESTART), where + ": foo-restart runs once:\n" + stack.diagnostics());
            assertEquals(outcomes.size(), 1 + settled + busy,
                    where + ": every other request was met busy or settling:\n" + String.join("\n", outcomes));
            Matcher ran = RAN.matcher(outcomes.stream().filter(l -> PrivateStack.ran(l, RESTART)).findFirst().orElseThrow());
            assertTrue(ran.find() && Double.parseDouble(ran.group(1)) >= START_SECONDS,
                    where + ": the run that healed was the slow start: " + outcomes);
            assertEquals(2, foos.started().size(), where + ": foo processes: the killed one and the one restart "
                    + "started, no second: " + foos.started());
            assertTrue(stack.lines("HANDLER_LOG").stream().noneMatch(l -> l.contains(" failed ")),
                    where + ": no handler failed:\n" + String.join("\n", stack.lines("HANDLER_LOG")));
            System.out.printf("slow start (%d s), %s: healed in %.2f s (restart %s s); 1 run, %d busy, %d settling,"
                    + " %d handler calls, %d foo processes%n", START_SECONDS, where, healedIn, ran.group(1), busy,
                    settled, stack.lines("NAGIOS_LOG").stream().filter(l -> l.contains("SERVICE EVENT HANDLER: ")).count(),
                    foos.started().size());
        }
    }
}
