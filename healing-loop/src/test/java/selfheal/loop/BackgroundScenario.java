package selfheal.loop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A scenario on a stack of its own, run in another thread while the test thread runs another: the two mostly
 * wait (for intervals, settles, slow starts), so together they take about as long as the longer one.
 */
final class BackgroundScenario {
    /** The scenario's body: it starts and stops its own stack. */
    interface Body {
        void run() throws Exception;
    }

    private final CompletableFuture<Void> future;

    private BackgroundScenario(CompletableFuture<Void> future) {
        this.future = future;
    }

    static BackgroundScenario start(Body body) {
        return new BackgroundScenario(CompletableFuture.runAsync(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }));
    }

    /** Waits for the scenario to end; throws what it threw (an assertion failure, say). */
    void await() throws Throwable {
        try {
            future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof CompletionException inner && inner.getCause() != null ? inner.getCause() : cause;
        }
    }
}
