package selfheal.plugin;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The one deadline a check's exchange with its server runs against: {@code -t} from the moment it starts.
 * Every connect and read gets only what is left of it ({@link #millisLeft()}), and {@link #run} bounds what no
 * socket timeout can, the host-name lookup, by running the exchange on a thread of its own.
 */
public final class Deadline {

    /** An exchange over one socket, run by {@link #run}. */
    public interface Task<T> {
        T run(Socket socket, Deadline deadline) throws Exception;
    }

    private final Duration timeout;
    private final long end;

    private Deadline(Duration timeout, long end) {
        this.timeout = timeout;
        this.end = end;
    }

    /** The deadline {@code timeout} from now. */
    public static Deadline after(Duration timeout) {
        return new Deadline(timeout, System.nanoTime() + timeout.toNanos());
    }

    /** Whether the deadline has passed. */
    public boolean passed() {
        return System.nanoTime() - end > 0;
    }

    /** What is left, in milliseconds for a socket timeout; SocketTimeoutException when nothing is. */
    public int millisLeft() throws SocketTimeoutException {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** What a check says when the deadline passed, e.g. "timed out after 1.5 s". */
    public String timedOut() {
        return "timed out after " + PerfData.number(timeout.toMillis() / 1000.0) + " s";
    }

    /**
     * Runs {@code task} on {@code socket} in a daemon thread of its own (a plain Thread: far fewer classes than
     * an executor, for a plugin's one check) and waits for it no longer than the deadline. When the deadline
     * passes first, the socket is closed, which ends a blocked connect or read; a thread still in a name lookup
     * ends by itself later.
     *
     * @throws SocketTimeoutException when the deadline passed (or the wait was interrupted) first
     * @throws Exception what the task threw
     */
    public <T> T run(String name, Socket socket, Task<T> task) throws Exception {
        return run(null, name, socket, task);
    }

    /**
     * As {@link #run(String, Socket, Task)}, on one of {@code threads} when it is not null: a resident program
     * that checks every second reuses its threads rather than paying for a new one each time.
     */
    public <T> T run(Executor threads, String name, Socket socket, Task<T> task) throws Exception {
        Runner<T> runner = new Runner<>(socket, task);
        if (threads == null) {
            Thread thread = new Thread(runner, name);
            thread.setDaemon(true);
            thread.start();
        } else {
            threads.execute(runner);
        }
        boolean done;
        try {
            done = runner.await(end);
        } catch (InterruptedException e) {
            close(socket);
            Thread.currentThread().interrupt();
            throw new SocketTimeoutException("interrupted");
        }
        if (!done) {
            close(socket);
            throw new SocketTimeoutException("deadline passed");
        }
        if (runner.failure instanceof Exception e) {
            throw e;
        }
        if (runner.failure instanceof Error e) {
            throw e;
        }
        return runner.result;
    }

    private final class Runner<T> implements Runnable {
        private final Socket socket;
        private final Task<T> task;
        private boolean done;
        T result;
        Throwable failure;

        Runner(Socket socket, Task<T> task) {
            this.socket = socket;
            this.task = task;
        }

        @Override
        public void run() {
            T value = null;
            Throwable thrown = null;
            try {
                value = task.run(socket, Deadline.this);
            } catch (Throwable t) {
                thrown = t;
            } finally {
                close(socket);
            }
            synchronized (this) {
                result = value;
                failure = thrown;
                done = true;
                notifyAll();
            }
        }

        /** Whether the task ended before {@code end} (System.nanoTime). */
        synchronized boolean await(long end) throws InterruptedException {
            long left;
            while (!done && (left = end - System.nanoTime()) > 0) {
                wait(Math.max(1, left / 1_000_000));
            }
            return done;
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that is left to do; nothing to report
        }
    }
}
