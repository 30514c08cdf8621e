package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A restart that hangs is cut off by the listener, which answers ERR timeout before the handler's -t, and leaves
 * no worker behind; the next attempt heals. The shipped timeouts (listener 20 : handler 25 :
 * event_handler_timeout 30 : retry 60 s) scaled by 0.4 to 8 : 10 : 12 : 24 s. Scaled by 0.2 (4 : 5 : 6 : 12) it
 * passes too, but the handler got its answer 4.4 to 4.5 s into its 5: the listener's start and the script's TERM
 * do not shrink with the timeouts, and 0.5 s is too little to spare on a busy machine.
 */
class HangingRestartIT {
    private static final String RESTART = "foo-restart";
    private static final int LISTENER_TIMEOUT = 8;
    /** The hung start waits this long before foo would listen: far beyond the listener's timeout. */
    private static final int HUNG_START_SECONDS = 60;

    @Test
    void aHungRestartIsCutOffLeavesNoWorkerAndTheNextAttemptHeals() throws Exception {
        try (PrivateStack stack = PrivateStack.start(Map.of("STACK_COMMAND_TIMEOUT", String.valueOf(LISTENER_TIMEOUT),
                "STACK_HEAL_TIMEOUT", "10", "STACK_EVENT_HANDLER_TIMEOUT", "12", "STACK_RETRY_INTERVAL", "24",
                // start.sh would wait longer than the listener does: the listener's timeout is what ends the hang
                "STACK_START_TIMEOUT", "12"));
             FooWatch foos = stack.watchFoo()) {
            int retry = stack.envInt("RETRY_INTERVAL");
            long first = stack.fooPid();
            stack.fault("slow-start", String.valueOf(HUNG_START_SECONDS));
            long since = System.currentTimeMillis() / 1000;
            stack.killFoo();
            long start = System.nanoTime();

            Poll.until(Duration.ofSeconds(stack.envInt("CHECK_INTERVAL") + retry + LISTENER_TIMEOUT + 15),
                    "the handler to log the listener's ERR timeout",
                    () -> stack.lines("HANDLER_LOG").stream().anyMatch(HangingRestartIT::sawTimeout), stack::diagnostics);
            double timedOutAfter = (System.nanoTime() - start) / 1e9;
            String handlerSaw = stack.lines("HANDLER_LOG").stream().filter(HangingRestartIT::sawTimeout).findFirst()
                    .orElseThrow();
            List<Long> hung = new ArrayList<>(foos.started());
            hung.remove(first);
            assertEquals(1, hung.size(), "one foo started by the hung restart: " + foos.started());
            Poll.until(Duration.ofSeconds(3), "the hung start's foo (pid " + hung.get(0) + ") to be gone",
                    () -> !foos.alive().contains(hung.get(0)), stack::diagnostics);
            assertEquals(-1, stack.fooPid(), "no foo came up from the hung start");

            Poll.until(Duration.ofSeconds(retry + 20), "foo worker OK again without an operator",
                    () -> stack.service(PrivateStack.WORKER).enteredSince(ServiceStatus.OK, since) && stack.fooPid() > 0,
                    stack::diagnostics);
            double healedIn = (System.nanoTime() - start) / 1e9;
            stack.awaitHandlersDone(Duration.ofSeconds(stack.envInt("STACK_HEAL_TIMEOUT") + 5));

            List<String> outcomes = stack.requests(RESTART).stream().filter(l -> l.contains("phase=outcome")).toList();
            assertEquals(2, stack.runs(RESTART), "the hung run and the one that healed:\n" + stack.diagnostics());
            assertTrue(outcomes.get(0).contains("reply=\"ERR timeout " + RESTART + " "), "first: " + outcomes.get(0));
            assertTrue(PrivateStack.ran(outcomes.get(1), RESTART) && outcomes.get(1).contains("reply=\"OK " + RESTART
                    + " exit=0"), "then: " + outcomes.get(1));
            assertEquals(3, foos.started().size(), "foo processes: the killed one, the hung one, the healed one: "
                    + foos.started());
            assertFalse(foos.cameUp().contains(hung.get(0)), "the hung start's foo never came up: " + foos.cameUp());
            assertEquals(List.of(foos.started().get(2)), foos.alive(), "only the healed foo runs");
            System.out.printf("hung restart (listener %d s : handler %s s : event_handler_timeout %s s : retry %d s):"
                    + " ERR timeout seen by the handler %.2f s after the kill (%s), healed in %.2f s; replies: %s%n",
                    LISTENER_TIMEOUT, stack.env("STACK_HEAL_TIMEOUT"), stack.env("STACK_EVENT_HANDLER_TIMEOUT"), retry,
                    timedOutAfter, handlerSaw.substring(handlerSaw.lastIndexOf('(') + 1, handlerSaw.length() - 1),
                    healedIn, outcomes.stream().map(HangingRestartIT::reply).toList());
        }
    }

    private static boolean sawTimeout(String handlerLine) {
        return handlerLine.contains(" failed " + RESTART + "@") && handlerLine.contains("ERR timeout " + RESTART);
    }

    private static String reply(String auditLine) {
        int at = auditLine.indexOf("reply=\"");
        return at < 0 ? "?" : auditLine.substring(at + 7, auditLine.indexOf('"', at + 7));
    }
}
