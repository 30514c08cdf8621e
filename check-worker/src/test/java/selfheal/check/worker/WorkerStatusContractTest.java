package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Filter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import selfheal.status.HeartbeatLimits;
import selfheal.status.StatusEndpoint;

/**
 * The contract between the worker side and the plugin: check_worker against a real worker-status endpoint
 * (a test dependency, so neither side can drift) in each state foo's fault injection produces, with the
 * Nagios state README.md documents for it.
 */
class WorkerStatusContractTest {
    private final List<StatusEndpoint> endpoints = new ArrayList<>();
    private final AtomicLong queue = new AtomicLong(3);

    record Plugin(int exit, String firstLine, String output) {
    }

    @AfterEach
    void closeEndpoints() {
        endpoints.forEach(StatusEndpoint::close);
    }

    /** An endpoint wired as foo wires its own: heartbeat, queue depth, files moved and errors. */
    private StatusEndpoint worker(HeartbeatLimits limits, Filter... filters) throws IOException {
        StatusEndpoint.Builder builder = StatusEndpoint.builder("foo").heartbeatLimits(limits);
        for (Filter filter : filters) {
            builder.filter(filter);
        }
        StatusEndpoint endpoint = builder.start();
        endpoints.add(endpoint);
        endpoint.registerValue("queue:depth", "files", queue::get);
        endpoint.registerValue("files:moved", "files", () -> 42);
        endpoint.registerValue("files:errors", "files", () -> 0);
        return endpoint;
    }

    private static Plugin checkWorker(StatusEndpoint endpoint, String... more) {
        List<String> args = new ArrayList<>(List.of("-H", "127.0.0.1", "-p", String.valueOf(endpoint.address().getPort())));
        args.addAll(List.of(more));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new CheckWorker(Clock.systemUTC()).run(args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        return new Plugin(exit, text.lines().findFirst().orElse(""), text);
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    @Test
    void aHealthyWorkerIsOkWithItsFourChecks() throws IOException {
        StatusEndpoint foo = worker(new HeartbeatLimits(Duration.ofSeconds(2), Duration.ofSeconds(5)));
        foo.heartbeat();

        Plugin result = checkWorker(foo);

        assertEquals(0, result.exit(), result.output());
        assertTrue(result.firstLine().startsWith("WORKER OK - health+json pass, 4 checks, "), result.firstLine());
    }

    @Test
    void aHungWorkLoopWarnsOnceTheHeartbeatPassesTheWarnLimit() throws Exception {
        StatusEndpoint foo = worker(new HeartbeatLimits(Duration.ofMillis(200), Duration.ofSeconds(30)));
        sleep(300);

        Plugin result = checkWorker(foo);

        assertEquals(1, result.exit(), result.output());
        assertTrue(result.firstLine().startsWith("WORKER WARNING - health+json warn, failing: worker:heartbeat (warn)"),
                result.firstLine());
    }

    @Test
    void aHungWorkLoopIsCriticalOnceTheHeartbeatPassesTheFailLimit() throws Exception {
        StatusEndpoint foo = worker(new HeartbeatLimits(Duration.ofMillis(100), Duration.ofMillis(200)));
        sleep(300);

        Plugin result = checkWorker(foo);

        assertEquals(2, result.exit(), result.output());
        assertTrue(result.firstLine().startsWith("WORKER CRITICAL - health+json fail, failing: worker:heartbeat (fail)"),
                result.firstLine());
        assertTrue(result.output().contains("503"), result.output());
    }

    @Test
    void checkWorkerJudgesTheHeartbeatAgeItselfWhenTheWorkerSetsNoLimits() throws Exception {
        StatusEndpoint foo = worker(HeartbeatLimits.NONE);
        foo.heartbeat();
        Plugin fresh = checkWorker(foo, "--stale", "worker:heartbeat,crit=0.5");
        sleep(700);

        Plugin stale = checkWorker(foo, "--stale", "worker:heartbeat,crit=0.5");

        assertEquals(0, fresh.exit(), fresh.output());
        assertEquals(2, stale.exit(), stale.output());
        assertTrue(stale.firstLine().startsWith("WORKER CRITICAL - health+json pass, 4 checks, worker:heartbeat stale for "),
                stale.firstLine());
    }

    @Test
    void aCrashedWorkerIsCriticalConnectionRefused() throws IOException {
        StatusEndpoint foo = worker(HeartbeatLimits.NONE);
        int port = foo.address().getPort();
        foo.close();

        Plugin result = checkWorker(foo);

        assertEquals(2, result.exit(), result.output());
        assertEquals("WORKER CRITICAL - connection refused by 127.0.0.1:" + port, result.firstLine().split(" \\|")[0]);
    }

    @Test
    void aSlowWorkerIsCriticalTimedOut() throws IOException {
        Filter slow = Filter.beforeHandler("slow", exchange -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        StatusEndpoint foo = worker(HeartbeatLimits.NONE, slow);

        Plugin result = checkWorker(foo, "-t", "1");

        assertEquals(2, result.exit(), result.output());
        assertEquals("WORKER CRITICAL - timed out after 1 s", result.firstLine().split(" \\|")[0]);
    }

    @Test
    void aCheckThatThrowsIsCriticalAndNamed() throws IOException {
        StatusEndpoint foo = worker(HeartbeatLimits.NONE);
        foo.register("db:connections", () -> {
            throw new IllegalStateException("pool closed");
        });

        Plugin result = checkWorker(foo);

        assertEquals(2, result.exit(), result.output());
        assertTrue(result.firstLine().startsWith("WORKER CRITICAL - health+json fail, failing: db:connections (fail)"),
                result.firstLine());
        assertTrue(result.output().contains("IllegalStateException: pool closed"), result.output());
    }

    @Test
    void theQueueDepthIsReadByPointerAgainstThresholds() throws IOException {
        StatusEndpoint foo = worker(HeartbeatLimits.NONE);
        queue.set(12);

        Plugin result = checkWorker(foo, "--value", "/checks/queue:depth/0/observedValue,label=queue,warn=5,crit=10");

        assertEquals(2, result.exit(), result.output());
        assertTrue(result.firstLine().contains("queue 12"), result.firstLine());
        assertTrue(result.firstLine().contains("'queue'=12"), result.firstLine());
    }
}
