package selfheal.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** foo's run(...) on a thread of the test JVM, with its log captured and its shutdown hook in hand. */
final class RunningFoo implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready: status at (\\S+),");

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final List<Thread> hooks = new ArrayList<>();
    private final CompletableFuture<Integer> exit;

    RunningFoo(String... args) {
        PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);
        Foo foo = new Foo(hook -> {
            synchronized (hooks) {
                hooks.add(hook);
            }
        });
        exit = CompletableFuture.supplyAsync(() -> foo.run(err, err, args));
    }

    /** Waits until foo is ready and returns its status URL. */
    URI awaitReady() {
        await(() -> READY.matcher(log()).find() || exit.isDone(), Duration.ofSeconds(10), "foo to become ready");
        Matcher ready = READY.matcher(log());
        if (!ready.find()) {
            throw new AssertionError("foo did not become ready; log:\n" + log());
        }
        return URI.create(ready.group(1));
    }

    String log() {
        synchronized (log) {
            return log.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits for foo to end on its own. */
    int awaitExit(Duration within) throws Exception {
        return exit.get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What a SIGTERM does: runs foo's shutdown hook, then waits for run(...) to return. */
    int terminate() throws Exception {
        synchronized (hooks) {
            hooks.forEach(Thread::run);
        }
        return awaitExit(Duration.ofSeconds(10));
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        if (exit.isDone()) {
            return;
        }
        synchronized (hooks) {
            hooks.forEach(Thread::run);
        }
        try {
            exit.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping foo", e);
        }
    }

    static void await(BooleanSupplier condition, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + within + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
