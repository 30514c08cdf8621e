package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The loop under a running Icinga 2 (STACK_MONITOR=icinga2): the shipped objects of nagios-config/icinga2 run
 * check_worker, check_listener and the event handler, whose re-check after a heal goes through Icinga 2's REST
 * API; no deprecated feature (no command pipe) is enabled. kill -9 and a hang are healed with one restart each,
 * and Icinga 2 shows OK within a second of the restart; without the re-check it waits for the retry interval;
 * a worker that cannot start exhausts the budget and stays CRITICAL HARD. In the two measuring stacks the check
 * service answers the checks (STACK_CHECK_SERVICE): a JVM start per check would cost 0.2 to 0.8 s of the second
 * on a busy machine (healing-loop/README.md).
 */
class Icinga2LoopIT {
    /** Recovery after a successful heal shows in Icinga 2 within this of the restart (with the API re-check). */
    private static final Duration RECHECK_BOUND = Duration.ofSeconds(1);
    /**
     * A retry interval well above the restart and the handler (together 1 to 5 s here, the most on a machine
     * busy with other builds), so that waiting for it shows in every round.
     */
    private static final String RETRY_INTERVAL = "8";
    /** As BudgetIT: each failed start (1.5 to 3 s here) is over before the next attempt. */
    private static final String BUDGET_RETRY_INTERVAL = "4";
    private static final int ROUNDS = 3;

    @Test
    void killedAndHungWorkersAreHealedAndIcingaShowsOkWithinASecondOfTheRestart() throws Exception {
        try (PrivateStack stack = PrivateStack.start(Map.of("STACK_MONITOR", "icinga2", "STACK_CHECK_SERVICE", "yes",
                "STACK_RETRY_INTERVAL", RETRY_INTERVAL, "STACK_BUDGET", "10/15m", "STACK_SETTLE", "2"))) {
            Loop loop = new Loop(stack);
            assertEquals("api", stack.env("ICINGA_RECHECK"));
            List<Heal> heals = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                Heal heal = loop.heal("kill -9", stack::killFoo, 0);
                System.out.println("Icinga 2, API re-check: kill -9 round " + round + ": " + heal);
                heals.add(heal);
            }
            Heal hang = loop.heal("hang", () -> fault(stack, "hang"), 3);
            System.out.println("Icinga 2, API re-check: hang: " + hang);
            heals.add(hang);
            for (Heal heal : heals) {
                assertTrue(heal.okAfterRestart().compareTo(RECHECK_BOUND) <= 0,
                        "OK in Icinga 2 " + heal.okAfterRestart().toMillis() + " ms after the restart, beyond "
                                + RECHECK_BOUND.toMillis() + " ms: " + heal + "\n" + loop.diagnostics());
            }
            assertTrue(stack.lines("HANDLER_LOG").stream()
                            .filter(l -> l.contains(" recheck foo-host;worker-foo submitted through the API")).count()
                            >= heals.size(),
                    "each heal asked for its re-check through the API:\n" + loop.diagnostics());
            // Nothing deprecated in use: Icinga 2 logged no deprecation warning (the stack enables no command pipe).
            assertEquals(List.of(), stack.lines("ICINGA_LOG").stream()
                    .filter(l -> l.toLowerCase(Locale.ROOT).contains("deprecated")).toList());
        }
    }

    @Test
    void withoutTheReCheckIcingaShowsTheRecoveryOnlyAtTheNextRetry() throws Exception {
        try (PrivateStack stack = PrivateStack.start(Map.of("STACK_MONITOR", "icinga2", "STACK_CHECK_SERVICE", "yes",
                "STACK_RECHECK", "no", "STACK_RETRY_INTERVAL", RETRY_INTERVAL, "STACK_BUDGET", "10/15m",
                "STACK_SETTLE", "2"))) {
            Loop loop = new Loop(stack);
            assertEquals("no", stack.env("ICINGA_RECHECK"));
            for (int round = 1; round <= ROUNDS; round++) {
                Heal heal = loop.heal("kill -9", stack::killFoo, 0);
                System.out.println("Icinga 2, no re-check: kill -9 round " + round + ": " + heal);
                // How long after the restart that is depends on how long the restart took (a slow one may end
                // just before the retry): what it always shows is that OK waited for the retry interval.
                assertTrue(heal.cameWithTheRetry(), "the recovering check is the scheduled retry: " + heal);
            }
            assertTrue(stack.lines("HANDLER_LOG").stream().noneMatch(l -> l.contains(" recheck ")),
                    "no re-check asked:\n" + loop.diagnostics());
        }
    }

    @Test
    void aWorkerThatCannotStartExhaustsTheBudgetAndStaysCriticalHard() throws Exception {
        Duration limit = Duration.ofSeconds(60);
        // As BudgetIT: budget 2, each failed start over before the next attempt.
        try (PrivateStack stack = PrivateStack.start(Map.of("STACK_MONITOR", "icinga2", "STACK_BUDGET", "2/15m",
                "STACK_RETRY_INTERVAL", BUDGET_RETRY_INTERVAL))) {
            Loop loop = new Loop(stack);
            fault(stack, "refuse-start"); // stays until an operator removes it
            fault(stack, "crash");

            Poll.until(limit, "Icinga 2 to show worker-foo CRITICAL HARD",
                    () -> loop.worker.read().is(IcingaService.State.CRITICAL, true), loop::diagnostics);
            Poll.until(limit, "the listener to refuse foo-restart with ERR budget-exhausted",
                    () -> stack.requests("foo-restart").stream()
                            .anyMatch(l -> l.contains("reply=\"ERR budget-exhausted foo-restart 2/15m\"")),
                    loop::diagnostics);
            Poll.until(limit, "Icinga 2 to show the listener CRITICAL naming foo-restart",
                    () -> loop.listener.read().is(IcingaService.State.CRITICAL, true)
                            && loop.listener.read().output().startsWith("LISTENER CRITICAL - restart budget exhausted for"
                            + " foo-restart"),
                    loop::diagnostics);

            assertEquals(2, stack.requests("foo-restart").stream()
                    .filter(l -> l.contains("reply=\"ERR failed foo-restart exit=1")).count(),
                    "two failed restarts, as the budget allows:\n" + loop.diagnostics());
            assertEquals(2, stack.runs("foo-restart"), "no run beyond the budget:\n" + loop.diagnostics());
            List<String> handled = stack.lines("HANDLER_LOG").stream().filter(l -> l.contains(" failed foo-restart@")).toList();
            assertEquals(3, handled.size(), "heals at SOFT 2, SOFT 3 and HARD, all failed:\n" + loop.diagnostics());
            // Icinga 2 passes the HARD state's attempt as 1: the handler heals on HARD whatever the attempt.
            assertTrue(handled.get(2).contains("(CRITICAL HARD 1): ERR budget-exhausted foo-restart"),
                    "the HARD heal is refused by the budget: " + handled.get(2));

            // No storm: while the worker stays down, nothing asks again (three more check intervals).
            int requests = stack.requests("foo-restart").size();
            long quietUntil = System.nanoTime() + Duration.ofSeconds(3L * stack.envInt("CHECK_INTERVAL")).toNanos();
            while (System.nanoTime() < quietUntil) {
                assertEquals(requests, stack.requests("foo-restart").size(), "a request after HARD:\n" + loop.diagnostics());
                assertTrue(loop.worker.read().is(IcingaService.State.CRITICAL, true),
                        "the worker must stay CRITICAL HARD: " + loop.worker.read());
                Thread.sleep(250);
            }
            assertEquals(-1, stack.fooPid(), "foo must not be running");
        }
    }

    private static void fault(PrivateStack stack, String name) {
        try {
            stack.fault(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One heal, as Icinga 2 and the listener recorded it: the successful restart's audit outcome, foo's new
     * pidfile, Icinga 2's change to OK (epoch seconds), and the end of the CRITICAL check before it.
     */
    record Heal(Instant restarted, Instant fooUp, Instant recheckAsked, double okAt, double lastCriticalCheckEnded,
                int retryInterval) {
        Duration okAfterRestart() {
            return between(restarted, okAt);
        }

        Duration okAfterFooUp() {
            return between(fooUp, okAt);
        }

        /**
         * OK came a retry interval after the last CRITICAL check: the scheduled retry showed it. Icinga 2 may run
         * a check early by up to 0.5 s plus interval/20 (its scheduling offset; 0.9 s at 8 s), and the two
         * checks' own times differ, so 1.5 s of slack (the re-check came 0.8 to 2.3 s after it, 6.3 s at most
         * when the restart was slow).
         */
        boolean cameWithTheRetry() {
            return okAt - lastCriticalCheckEnded >= retryInterval - 1.5;
        }

        private static Duration between(Instant from, double epochSeconds) {
            return Duration.ofNanos(Math.round(epochSeconds * 1e9) - (from.getEpochSecond() * 1_000_000_000L + from.getNano()));
        }

        @Override
        public String toString() {
            return String.format("OK in Icinga 2 %.3f s after the restart ended (audit outcome), %.3f s after foo's new"
                    + " pid, %.3f s after the last CRITICAL check ended (retry interval %d s)%s",
                    okAfterRestart().toNanos() / 1e9, okAfterFooUp().toNanos() / 1e9, okAt - lastCriticalCheckEnded,
                    retryInterval, recheckAsked == null ? "" : String.format("; re-check asked %.3f s after the restart",
                            Duration.between(restarted, recheckAsked).toNanos() / 1e9));
        }
    }

    /** The stack under Icinga 2 and what a test reads of it. */
    private static final class Loop {
        private static final Pattern DURATION = Pattern.compile(" duration=([0-9.]+) ");
        private final PrivateStack stack;
        private final IcingaService worker;
        private final IcingaService listener;

        Loop(PrivateStack stack) {
            this.stack = stack;
            this.worker = IcingaService.of(stack, stack.env("ICINGA_WORKER_SERVICE"));
            this.listener = IcingaService.of(stack, stack.env("ICINGA_LISTENER_SERVICE"));
        }

        /**
         * Waits for worker-foo OK, causes the failure, and waits for each step of the heal in turn (so a failure
         * names the step that did not happen): CRITICAL, one successful restart, OK again in Icinga 2.
         */
        Heal heal(String what, Runnable failure, int failureVisibleAfter) {
            HealBound bound = new HealBound(stack.envInt("CHECK_INTERVAL"), stack.envInt("RETRY_INTERVAL"),
                    failureVisibleAfter);
            Poll.until(Duration.ofSeconds(30), "worker-foo OK HARD before the " + what,
                    () -> worker.read().is(IcingaService.State.OK, true), this::diagnostics);
            // The settle after the previous heal must be over, or this heal would be answered "settling".
            sleep(Duration.ofSeconds(stack.envInt("STACK_SETTLE")));
            long runsBefore = stack.runs("foo-restart");
            int requestsBefore = stack.requests("foo-restart").size();
            long pidBefore = stack.fooPid();
            double since = System.currentTimeMillis() / 1000.0;
            failure.run();

            // Each wait reads Icinga 2 every 0.1 s and the checks are seconds apart, so every check result is
            // seen: the last CRITICAL one before OK is known.
            double[] lastCritical = {0};
            Poll.until(bound.limit(), "Icinga 2 to show worker-foo CRITICAL after the " + what,
                    () -> observe(lastCritical).enteredSince(IcingaService.State.CRITICAL, since), this::diagnostics);
            Poll.until(bound.limit(), "the listener to audit a successful foo-restart",
                    () -> {
                        observe(lastCritical);
                        return newRequests(requestsBefore).stream().anyMatch(l -> l.contains("reply=\"OK foo-restart exit=0"));
                    },
                    this::diagnostics);
            Instant restarted = newRequests(requestsBefore).stream()
                    .filter(l -> l.contains("reply=\"OK foo-restart exit=0"))
                    .map(Loop::runEnded)
                    .findFirst().orElseThrow();
            Poll.until(bound.limit(), "Icinga 2 to show worker-foo OK again",
                    () -> observe(lastCritical).enteredSince(IcingaService.State.OK, since), this::diagnostics);
            IcingaService.State ok = worker.read();

            assertNotEquals(pidBefore, stack.fooPid(), "foo's pidfile still names the failed process");
            assertEquals(1, stack.runs("foo-restart") - runsBefore, "one restart, not more:\n" + diagnostics());
            Instant recheckAsked = stack.lines("HANDLER_LOG").stream()
                    .filter(l -> l.contains(" recheck foo-host;worker-foo submitted"))
                    .map(l -> Instant.parse(l.substring(0, l.indexOf(' '))))
                    .filter(t -> !t.isBefore(restarted))
                    .findFirst().orElse(null);
            return new Heal(restarted, pidfileWritten(), recheckAsked, ok.lastStateChange(), lastCritical[0],
                    stack.envInt("RETRY_INTERVAL"));
        }

        /** worker-foo now; when CRITICAL, the end of its check goes to {@code lastCritical[0]}. */
        private IcingaService.State observe(double[] lastCritical) {
            IcingaService.State now = worker.read();
            if (now.state() == IcingaService.State.CRITICAL) {
                lastCritical[0] = now.checkEnded();
            }
            return now;
        }

        /** When the run an audit outcome records ended: the request's arrival (the line's time) plus its duration. */
        private static Instant runEnded(String outcome) {
            Matcher duration = DURATION.matcher(outcome);
            if (!duration.find()) {
                throw new AssertionError("no duration in the audit outcome " + outcome);
            }
            return Instant.parse(outcome.substring(0, outcome.indexOf(' ')))
                    .plusMillis(Math.round(Double.parseDouble(duration.group(1)) * 1000));
        }

        private List<String> newRequests(int seenBefore) {
            List<String> all = stack.requests("foo-restart");
            return all.subList(Math.min(seenBefore, all.size()), all.size());
        }

        private Instant pidfileWritten() {
            try {
                return Files.getLastModifiedTime(Path.of(stack.env("FOO_PIDFILE"))).toInstant();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String diagnostics() {
            List<String> out = new ArrayList<>();
            out.add(stack.diagnostics());
            try {
                out.add("--- Icinga 2");
                out.add("worker-foo: " + worker.read());
                out.add("selfheal listener: " + listener.read());
            } catch (RuntimeException e) {
                out.add("(cannot read Icinga 2: " + e + ")");
            }
            out.add("--- icinga2.log (without API requests)");
            out.addAll(tail(stack.lines("ICINGA_LOG").stream()
                    .filter(l -> !l.contains("HttpServerConnection") && !l.contains("New client connection")).toList(), 20));
            out.add("--- handler log");
            out.addAll(tail(stack.lines("HANDLER_LOG"), 20));
            out.add("--- audit log (without ping)");
            out.addAll(tail(stack.lines("AUDIT_LOG").stream().filter(l -> !l.contains("request=\"ping\"")).toList(), 20));
            return String.join("\n", out);
        }

        private static List<String> tail(List<String> lines, int n) {
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        }

        private static void sleep(Duration duration) {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
