package selfheal.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Foo's main loop: scan, move, heartbeat, pause; and the place where injected faults take effect. */
final class WorkLoop {
    /** How the loop ended. */
    enum Outcome { STOPPED, CRASHED }

    private final FileMover mover;
    private final Faults faults;
    private final SlowAnswers slow;
    private final FrozenAnswers frozen;
    private final Runnable heartbeat;
    private final Duration poll;
    private final Log log;
    private final CountDownLatch stop = new CountDownLatch(1);

    WorkLoop(FileMover mover, Faults faults, SlowAnswers slow, FrozenAnswers frozen, Runnable heartbeat,
            Duration poll, Log log) {
        this.mover = mover;
        this.faults = faults;
        this.slow = slow;
        this.frozen = frozen;
        this.heartbeat = heartbeat;
        this.poll = poll;
        this.log = log;
    }

    /** Runs until {@link #stop()} or an injected crash. */
    Outcome run() throws InterruptedException {
        while (stop.getCount() > 0) {
            Fault fault = faults.poll();
            if (fault == Fault.CRASH) {
                log.info("fault injected: crash");
                return Outcome.CRASHED;
            }
            if (fault == Fault.HANG) {
                log.info("fault injected: hang (the work loop stops; the heartbeat goes stale)");
                parkedByHangFault();
                return Outcome.STOPPED;
            }
            if (fault == Fault.SLOW) {
                log.info("fault injected: slow (status answers are delayed)");
                slow.switchOn();
            }
            if (fault == Fault.FREEZE) {
                log.info("fault injected: freeze (the status document no longer changes; the work goes on)");
                frozen.switchOn();
            }
            try {
                mover.moveAll();
                heartbeat.run(); // only a scan that completed is progress
            } catch (IOException e) {
                log.info("cannot scan the inbox: " + e);
            }
            stop.await(poll.toNanos(), TimeUnit.NANOSECONDS);
        }
        return Outcome.STOPPED;
    }

    /**
     * Where a hung foo stays until it is stopped: a thread dump names this method, so whoever reads one taken
     * of a hung foo (the listener's evidence, jcmd by hand) sees at once why nothing moves.
     */
    private void parkedByHangFault() throws InterruptedException {
        stop.await();
    }

    /** Asks the loop to end after the current scan; safe from any thread. */
    void stop() {
        stop.countDown();
    }
}
