package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** Scenarios 1 and 2: a worker killed with -9, and a worker whose work loop hangs, are healed by the loop. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KillAndHangIT {
    private PrivateStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = PrivateStack.start(settings());
    }

    /** The stack's settings (STACK_* variables). */
    Map<String, String> settings() {
        return Map.of();
    }

    PrivateStack stack() {
        return stack;
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aWorkerKilledWithSignalNineIsRestartedAndNagiosSeesItOkAgainWithinTheBound() {
        HealBound bound = new HealBound(stack.envInt("CHECK_INTERVAL"), stack.envInt("RETRY_INTERVAL"), 0);
        Baseline before = Baseline.of(stack);

        long since = System.currentTimeMillis() / 1000;
        long killed = stack.killFoo();
        long start = System.nanoTime();

        awaitAlert("CRITICAL;SOFT;1", before, bound.limit());
        Duration healedIn = awaitHealed(before, bound.limit(), start, since);

        assertNotEquals(killed, stack.fooPid(), "foo's pidfile still names the killed process");
        assertEquals(1, stack.runs("foo-restart") - before.runs(), "one restart, not more:\n" + stack.diagnostics());
        System.out.printf("kill -9 healed in %.2f s (bound %d s)%n", healedIn.toMillis() / 1000.0,
                bound.limit().toSeconds());
    }

    @Test
    @Order(2)
    void aWorkerWhoseWorkLoopHangsIsRestartedThoughItsHttpStillAnswers() throws Exception {
        // foo's status turns fail (HTTP 503) 3 s after its last heartbeat (--heartbeat-fail 3 in the stack).
        HealBound bound = new HealBound(stack.envInt("CHECK_INTERVAL"), stack.envInt("RETRY_INTERVAL"), 3);
        stack.awaitService(PrivateStack.WORKER, ServiceStatus.OK, true, Duration.ofSeconds(30));
        Baseline before = Baseline.of(stack);
        long hung = stack.fooPid();

        long since = System.currentTimeMillis() / 1000;
        stack.fault("hang");
        long start = System.nanoTime();

        awaitAlert("CRITICAL;SOFT", before, bound.limit());
        Duration healedIn = awaitHealed(before, bound.limit(), start, since);

        assertNotEquals(hung, stack.fooPid(), "the hung foo was not replaced");
        assertEquals(1, stack.runs("foo-restart") - before.runs(), "one restart, not more:\n" + stack.diagnostics());
        System.out.printf("hang healed in %.2f s (bound %d s)%n", healedIn.toMillis() / 1000.0,
                bound.limit().toSeconds());
    }

    private void awaitAlert(String stateText, Baseline before, Duration limit) {
        Poll.until(limit, "Nagios to log SERVICE ALERT foo worker " + stateText,
                () -> newLines(stack.lines("NAGIOS_LOG"), before.nagiosLines()).stream()
                        .anyMatch(l -> l.contains("SERVICE ALERT: foo-host;foo worker;" + stateText)),
                stack::diagnostics);
    }

    /** Waits for each step of the heal in turn, so a failure names the step that did not happen. */
    private Duration awaitHealed(Baseline before, Duration limit, long start, long since) {
        Poll.until(limit, "the event handler to log a successful heal",
                () -> newLines(stack.lines("HANDLER_LOG"), before.handlerLines()).stream()
                        .anyMatch(l -> l.contains(" healed foo-restart@")),
                stack::diagnostics);
        Poll.until(limit, "the listener to audit a successful foo-restart",
                () -> newLines(stack.requests("foo-restart"), before.requests()).stream()
                        .anyMatch(l -> l.contains("reply=\"OK foo-restart exit=0")),
                stack::diagnostics);
        Poll.until(limit, "Nagios to show foo worker OK again",
                () -> stack.service(PrivateStack.WORKER).enteredSince(ServiceStatus.OK, since),
                stack::diagnostics);
        Duration healedIn = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(healedIn.compareTo(limit) <= 0, "healed in " + healedIn + ", beyond the bound " + limit);
        return healedIn;
    }

    private static List<String> newLines(List<String> lines, int seenBefore) {
        return lines.subList(Math.min(seenBefore, lines.size()), lines.size());
    }

    /** How much of each log existed before a fault, so only what follows it counts. */
    private record Baseline(int nagiosLines, int handlerLines, int requests, long runs) {
        static Baseline of(PrivateStack stack) {
            return new Baseline(stack.lines("NAGIOS_LOG").size(), stack.lines("HANDLER_LOG").size(),
                    stack.requests("foo-restart").size(), stack.runs("foo-restart"));
        }
    }
}
