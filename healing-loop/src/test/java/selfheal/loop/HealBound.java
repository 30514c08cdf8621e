package selfheal.loop;

import java.time.Duration;

/**
 * How long healing may take, derived from the stack's intervals (healing-loop/README.md explains it):
 * the failure is seen within one check_interval, the handler heals at SOFT attempt 2 one retry_interval
 * later, the restart takes its time, and the forced re-check shows OK within the check-result reaper's
 * second plus status.dat's second. Each check is a JVM start as well.
 */
record HealBound(int checkInterval, int retryInterval, int failureVisibleAfter) {

    /** listener JVM + stop.sh + foo's JVM until it listens: 1.4 to 4 s measured on a busy 2-core machine. */
    static final int RESTART_ALLOWANCE = 10;
    /**
     * Three check_worker runs (detect, SOFT 2, re-check), 0.2 to 1.5 s each with their scheduling latency
     * when the machine is busy, plus the check-result reaper's second and status.dat's second.
     */
    static final int CHECKS_AND_REPORTING = 6;

    Duration limit() {
        return Duration.ofSeconds(failureVisibleAfter + checkInterval + retryInterval + RESTART_ALLOWANCE
                + CHECKS_AND_REPORTING);
    }
}
