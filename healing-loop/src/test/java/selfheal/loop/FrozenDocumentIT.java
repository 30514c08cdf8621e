package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A status endpoint that keeps serving one document (status pass, its heartbeat's time frozen) is caught by the
 * shipped example's check arguments alone, the stale heartbeat, and healed with one restart.
 */
class FrozenDocumentIT {
    private static final String RESTART = "foo-restart";
    private static final Pattern STALE_CRIT = Pattern.compile("--stale\\s+\\S*crit=([0-9.]+)");

    @Test
    void aFrozenStatusDocumentGoesCriticalOnItsStaleHeartbeatAndIsHealedOnce() throws Exception {
        String args = shippedCheckArguments();
        Matcher crit = STALE_CRIT.matcher(args);
        assertTrue(crit.find(), "the shipped foo worker service watches the heartbeat with --stale ...crit=: " + args);
        double critAfter = Double.parseDouble(crit.group(1));

        try (PrivateStack stack = PrivateStack.start(Map.of("STACK_CHECK_ARGS", args));
             FooWatch foos = stack.watchFoo()) {
            assertEquals(args, stack.env("STACK_CHECK_ARGS"));
            int nagiosLines = stack.lines("NAGIOS_LOG").size();
            long frozen = stack.fooPid();
            long since = System.currentTimeMillis() / 1000;
            stack.fault("freeze");
            long start = System.nanoTime();

            Duration limit = Duration.ofSeconds((long) critAfter + stack.envInt("CHECK_INTERVAL") + 20);
            String critical = "SERVICE ALERT: foo-host;" + PrivateStack.WORKER + ";CRITICAL;";
            Poll.until(limit, "foo worker CRITICAL on the stale heartbeat",
                    () -> newLines(stack, nagiosLines).anyMatch(l -> l.contains(critical)), stack::diagnostics);
            double criticalAfter = (System.nanoTime() - start) / 1e9;
            String alert = newLines(stack, nagiosLines).filter(l -> l.contains(critical)).findFirst().orElseThrow();
            assertTrue(alert.contains("worker:heartbeat"), "CRITICAL for the stale heartbeat: " + alert);

            Poll.until(Duration.ofSeconds(30), "foo worker OK again, a new foo",
                    () -> stack.service(PrivateStack.WORKER).enteredSince(ServiceStatus.OK, since)
                            && stack.fooPid() > 0 && stack.fooPid() != frozen,
                    stack::diagnostics);
            double healedIn = (System.nanoTime() - start) / 1e9;
            stack.awaitHandlersDone(Duration.ofSeconds(stack.envInt("STACK_HEAL_TIMEOUT") + 5));

            assertEquals(1, stack.runs(RESTART), "one restart:\n" + stack.diagnostics());
            assertNotEquals(frozen, stack.fooPid());
            assertEquals(2, foos.started().size(), "the frozen foo and its replacement: " + foos.started());
            System.out.printf("frozen document (check %s): CRITICAL after %.2f s (stale crit %s s), healed in %.2f s,"
                    + " 1 run; alert: %s%n", args, criticalAfter, crit.group(1), healedIn,
                    alert.substring(alert.indexOf("CRITICAL;")));
        }
    }

    /**
     * The arguments after selfheal-check-worker! of the foo worker service in the shipped example, with -t 3
     * added unless they set a timeout (the stack's checks must end well within its intervals).
     */
    private static String shippedCheckArguments() throws IOException {
        Path example = PrivateStack.checkout().resolve("nagios-config/nagios/selfheal-foo.cfg");
        String worker = Arrays.stream(Files.readString(example).split("define service"))
                .filter(block -> block.lines().anyMatch(l -> l.strip().matches("service_description\\s+" + PrivateStack.WORKER)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + PrivateStack.WORKER + " service in " + example));
        String args = worker.lines().map(String::strip).filter(l -> l.startsWith("check_command") && l.contains("selfheal-check-worker!"))
                .map(l -> l.substring(l.indexOf("selfheal-check-worker!") + "selfheal-check-worker!".length()).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no selfheal-check-worker! in " + worker));
        boolean hasTimeout = Arrays.stream(args.split("\\s+"))
                .anyMatch(w -> w.equals("-t") || w.equals("--timeout") || w.startsWith("--timeout="));
        return hasTimeout ? args : args + " -t 3";
    }

    private static Stream<String> newLines(PrivateStack stack, int seenBefore) {
        List<String> lines = stack.lines("NAGIOS_LOG");
        return lines.subList(Math.min(seenBefore, lines.size()), lines.size()).stream();
    }
}
