package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scenario 3: a worker that cannot start. Each heal fails, the listener's budget runs out and it refuses
 * further restarts; the handler stops asking once the service is HARD; Nagios shows the worker CRITICAL
 * and the listener CRITICAL (budget exhausted) until an operator steps in.
 */
class BudgetIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void aWorkerThatCannotStartExhaustsTheBudgetWithoutARestartStorm() throws Exception {
        // Budget 2: the heals at SOFT 2 and SOFT 3 run and fail; the one at HARD 4 is refused. A retry
        // interval of 4 s keeps each failed start (1.5 to 3 s here) finished before the next attempt, so no
        // attempt meets the previous one still running (it would get ERR busy and prove nothing).
        try (PrivateStack stack = PrivateStack.start(Map.of("STACK_BUDGET", "2/15m", "STACK_RETRY_INTERVAL", "4"))) {
            stack.fault("refuse-start"); // stays until an operator removes it
            stack.fault("crash");

            stack.awaitService(PrivateStack.WORKER, ServiceStatus.CRITICAL, true, LIMIT);
            Poll.until(LIMIT, "the listener to refuse foo-restart with ERR budget-exhausted",
                    () -> stack.requests("foo-restart").stream()
                            .anyMatch(l -> l.contains("reply=\"ERR budget-exhausted foo-restart 2/15m\"")),
                    stack::diagnostics);
            stack.awaitService(PrivateStack.LISTENER, ServiceStatus.CRITICAL, true, LIMIT);
            assertTrue(stack.service(PrivateStack.LISTENER).output().startsWith("LISTENER CRITICAL - restart budget"
                    + " exhausted for foo-restart (command-listener --reset NAME on "),
                    "check_listener should name the exhausted command: " + stack.service(PrivateStack.LISTENER));
            assertTrue(stack.service(PrivateStack.LISTENER).output().contains("foo-restart: 2 heals in 1h (remote 2)"),
                    "and the two heals that failed: " + stack.service(PrivateStack.LISTENER));

            List<String> failed = stack.requests("foo-restart").stream()
                    .filter(l -> l.contains("reply=\"ERR failed foo-restart exit=1")).toList();
            assertEquals(2, failed.size(), "two failed restarts, as the budget allows:\n" + stack.diagnostics());
            assertEquals(2, stack.runs("foo-restart"), "no run beyond the budget:\n" + stack.diagnostics());
            List<String> handled = stack.lines("HANDLER_LOG").stream()
                    .filter(l -> l.contains(" failed foo-restart@")).toList();
            assertEquals(3, handled.size(), "heals at SOFT 2, SOFT 3 and HARD 4, all failed:\n" + stack.diagnostics());
            assertTrue(handled.get(2).contains("(CRITICAL HARD 4): ERR budget-exhausted foo-restart"),
                    "the HARD heal is refused by the budget: " + handled.get(2));

            // No storm: while the worker stays down, nothing asks again (three more check intervals).
            int requests = stack.requests("foo-restart").size();
            long quietUntil = System.nanoTime() + Duration.ofSeconds(3L * stack.envInt("CHECK_INTERVAL")).toNanos();
            while (System.nanoTime() < quietUntil) {
                assertEquals(requests, stack.requests("foo-restart").size(), "a request after HARD:\n" + stack.diagnostics());
                assertTrue(stack.service(PrivateStack.WORKER).is(ServiceStatus.CRITICAL, true),
                        "the worker must stay CRITICAL HARD: " + stack.service(PrivateStack.WORKER));
                Thread.sleep(250);
            }
            assertEquals(-1, stack.fooPid(), "foo must not be running");
        }
    }
}
