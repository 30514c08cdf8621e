package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Scenario 4: the listener cannot be reached. The handler fails fast and cleanly; Nagios keeps CRITICAL. */
class ListenerDownIT {
    private static final Duration LIMIT = Duration.ofSeconds(45);
    private static final Pattern HANDLER_TIME = Pattern.compile("\\(handler (\\d+\\.\\d+)s\\)$");

    @Test
    void withTheListenerUnreachableTheHandlerFailsWithinItsTimeoutAndTheWorkerStaysCritical() throws Exception {
        try (PrivateStack stack = PrivateStack.start(Map.of())) {
            stack.stopXinetd();
            stack.awaitService(PrivateStack.LISTENER, ServiceStatus.CRITICAL, true, LIMIT);

            stack.killFoo();
            stack.awaitService(PrivateStack.WORKER, ServiceStatus.CRITICAL, true, LIMIT);
            Poll.until(LIMIT, "the handler to log its third failed heal (SOFT 2, SOFT 3, HARD 4)",
                    () -> failures(stack).size() >= 3, stack::diagnostics);

            List<String> failures = failures(stack);
            assertEquals(3, failures.size(), "one try per heal-eligible attempt:\n" + stack.diagnostics());
            for (String line : failures) {
                assertTrue(line.contains("Connection refused"), "the reason is named: " + line);
                Matcher took = HANDLER_TIME.matcher(line);
                assertTrue(took.find(), "the handler reports its time: " + line);
                // The handler's -t is 20 s in the stack; a refused connection must not wait for it.
                assertTrue(Double.parseDouble(took.group(1)) < 5.0, "failed fast: " + line);
            }
            assertTrue(stack.lines("AUDIT_LOG").stream().noneMatch(l -> l.contains("request=\"foo-restart\"")),
                    "nothing reached a listener:\n" + stack.diagnostics());
            assertTrue(stack.service(PrivateStack.WORKER).is(ServiceStatus.CRITICAL, true),
                    "Nagios still reports the worker CRITICAL: " + stack.service(PrivateStack.WORKER));
        }
    }

    private static List<String> failures(PrivateStack stack) {
        return stack.lines("HANDLER_LOG").stream().filter(l -> l.contains(" failed foo-restart@")).toList();
    }
}
