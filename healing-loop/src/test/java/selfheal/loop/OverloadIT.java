package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An overloaded monitor restarts no healthy worker. Nagios and everything it starts run on CPU 0, foo,
 * xinetd and the listener on CPU 1; busy processes on CPU 0 starve the checks until Nagios kills some at
 * its service_check_timeout (5 s here). With service_check_timeout_state=u and the handler given the plugin
 * output, a killed check is UNKNOWN, which heals nothing: foo, healthy throughout, is never restarted.
 * bench/overload measures the same with and without these settings.
 *
 * <p>System properties: {@code overload.seconds} (how long the load lasts, default 100) and
 * {@code overload.procs} (busy processes on CPU 0, default 24).
 */
class OverloadIT {
    private static final String MONITOR_CPUS = "0";
    private static final String WORKER_CPUS = "1";
    private static final int SERVICE_CHECK_TIMEOUT = 5;
    private static final String KILLED = "Check of service '" + PrivateStack.WORKER + "' on host 'foo-host' timed out";

    @Test
    void checksTheMonitorKillsUnderLoadRestartNoHealthyWorker() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs CPU 0 for the monitor and CPU 1 for the worker");
        int seconds = Integer.getInteger("overload.seconds", 100);
        int procs = Integer.getInteger("overload.procs", 24);
        Map<String, String> settings = Map.of(
                "STACK_SERVICE_CHECK_TIMEOUT", String.valueOf(SERVICE_CHECK_TIMEOUT),
                "STACK_CHECK_TIMEOUT_STATE", "u",
                "STACK_HANDLER_OUTPUT", "yes",
                "STACK_MONITOR_CPUS", MONITOR_CPUS,
                "STACK_WORKER_CPUS", WORKER_CPUS,
                // Neither may hide a false restart: a budget that never runs out, no settle time.
                "STACK_BUDGET", "1000/15m",
                "STACK_SETTLE", "0");
        try (PrivateStack stack = PrivateStack.start(settings)) {
            int nagiosFrom = stack.lines("NAGIOS_LOG").size();
            int handlerFrom = stack.lines("HANDLER_LOG").size();
            long runsBefore = stack.runs("foo-restart");
            Set<Long> fooPids = new LinkedHashSet<>(List.of(stack.fooPid()));

            Process load = startLoad(seconds, procs);
            try {
                // Through the load and one check cycle after it: a check or handler it delayed still counts.
                long end = System.nanoTime() + Duration.ofSeconds(seconds + SERVICE_CHECK_TIMEOUT + 10L).toNanos();
                while (System.nanoTime() < end) {
                    fooPids.add(stack.fooPid());
                    Thread.sleep(500);
                }
            } finally {
                load.destroy(); // the load ends by itself; this is for a test cut short
                load.waitFor(10, TimeUnit.SECONDS);
            }

            List<String> nagios = after(stack.lines("NAGIOS_LOG"), nagiosFrom);
            long killed = nagios.stream().filter(l -> l.contains(KILLED)).count();
            assertTrue(killed >= 1, "Nagios killed no check of " + PrivateStack.WORKER + " in " + seconds
                    + " s of load, so this proves nothing: raise -Doverload.procs (now " + procs + ")\n" + stack.diagnostics());
            List<String> healed = after(stack.lines("HANDLER_LOG"), handlerFrom).stream()
                    .filter(l -> l.contains(" healed ")).toList();
            assertEquals(List.of(), healed, "no handler call may heal a healthy worker (" + killed + " checks killed)\n"
                    + stack.diagnostics());
            assertEquals(runsBefore, stack.runs("foo-restart"), "foo-restart ran:\n" + stack.diagnostics());
            assertEquals(1, fooPids.size(), "foo's pid changed: " + fooPids + "\n" + stack.diagnostics());
            System.out.println("OverloadIT: " + seconds + " s of " + procs + " busy processes on CPU " + MONITOR_CPUS
                    + ": Nagios killed " + killed + " checks of " + PrivateStack.WORKER + ", "
                    + nagios.stream().filter(l -> l.contains("SERVICE ALERT: foo-host;" + PrivateStack.WORKER + ";UNKNOWN;")).count()
                    + " UNKNOWN alerts, 0 restarts");
        }
    }

    /** bench/lib/cpu-load on the monitor's CPUs; it ends by itself after {@code seconds}, timeout(1) as a backstop. */
    private static Process startLoad(int seconds, int procs) throws IOException {
        return new ProcessBuilder("timeout", "-k", "2", String.valueOf(seconds + 10),
                PrivateStack.checkout().resolve("bench/lib/cpu-load").toString(),
                "--cpus", MONITOR_CPUS, "--procs", String.valueOf(procs), "--seconds", String.valueOf(seconds))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static List<String> after(List<String> lines, int from) {
        return lines.subList(Math.min(from, lines.size()), lines.size());
    }
}
