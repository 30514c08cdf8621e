package selfheal.status;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the checks of one request in parallel on a bounded pool, all under one deadline, and is the one place
 * that turns an exception, a timeout or a missing result into a failed observation. A check stuck for good
 * keeps its thread, but never holds up an answer: later requests report it as timed out or not run.
 */
final class CheckRunner implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final Duration timeout;

    CheckRunner(int threads, Duration timeout) {
        this.timeout = timeout;
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * 8), new DaemonThreads("worker-status-check"));
        pool.allowCoreThreadTimeOut(true);
    }

    /** The observations of {@code checks}, in the same order; returns within about the timeout. */
    List<Observation> runAll(List<HealthCheck> checks) {
        List<Future<Observation>> futures = new ArrayList<>(checks.size());
        for (HealthCheck check : checks) {
            try {
                futures.add(pool.submit(check::check));
            } catch (RejectedExecutionException busy) {
                futures.add(null);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Observation> results = new ArrayList<>(checks.size());
        for (Future<Observation> future : futures) {
            results.add(await(future, deadline));
        }
        return results;
    }

    private Observation await(Future<Observation> future, long deadline) {
        if (future == null) {
            return Observation.fail("not run: all " + pool.getMaximumPoolSize()
                    + " check threads are busy (is a check stuck?)");
        }
        try {
            Observation result = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return result != null ? result : Observation.fail("check returned no result");
        } catch (TimeoutException slow) {
            future.cancel(true);
            pool.purge();
            return Observation.fail("check timed out after " + seconds(timeout) + " s");
        } catch (ExecutionException failed) {
            return Observation.fail(failed.getCause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return Observation.fail("interrupted while waiting for the check");
        }
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
