package selfheal.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import selfheal.status.HeartbeatLimits;
import selfheal.status.Observation;
import selfheal.status.StatusEndpoint;

/**
 * foo, the demo worker: moves files from an inbox to an outbox and reports its health on a status endpoint
 * (queue depth, files moved, errors, heartbeat). It can be told to break in the ways a real worker does; see
 * {@link Fault}. It writes its pidfile only once the endpoint listens, so the pidfile means "ready".
 */
public final class Foo {
    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 64;
    static final int EXIT_CANNOT_START = 69;
    static final int EXIT_CRASH = 70;
    static final int EXIT_REFUSED = 78;

    private final Consumer<Thread> shutdownHooks;

    Foo(Consumer<Thread> shutdownHooks) {
        this.shutdownHooks = shutdownHooks;
    }

    public static void main(String[] args) {
        System.exit(new Foo(Runtime.getRuntime()::addShutdownHook).run(System.out, System.err, args));
    }

    /** Runs foo until it is stopped (a shutdown hook) or crashes on purpose; returns the exit status. */
    int run(PrintStream out, PrintStream err, String... args) {
        FooOptions options;
        try {
            options = FooOptions.parse(args);
        } catch (BadOption e) {
            err.println("foo: " + e.getMessage());
            err.println("Try 'foo --help'.");
            return EXIT_USAGE;
        }
        if (options.help()) {
            out.print(FooOptions.USAGE);
            return EXIT_OK;
        }
        Log log = new Log(err);
        Faults faults = new Faults(options.fault(), options.faultAfter(), options.startDelay(), options.faultDir());
        if (faults.refuseStart()) {
            log.info("refusing to start (fault injected: refuse-start)");
            return EXIT_REFUSED;
        }
        try {
            if (!waitBeforeStarting(faults.startDelay(), log)) {
                return EXIT_OK;
            }
        } catch (BadOption e) {
            log.info("cannot start: " + e.getMessage());
            return EXIT_CANNOT_START;
        }
        try {
            Files.createDirectories(options.inbox());
            Files.createDirectories(options.outbox());
        } catch (IOException e) {
            log.info("cannot start: cannot create the inbox or outbox: " + e);
            return EXIT_CANNOT_START;
        }
        FileMover mover = new FileMover(options.inbox(), options.outbox(), log);
        SlowAnswers slow = new SlowAnswers(options.slowDelay());
        FrozenAnswers frozen = new FrozenAnswers();
        StatusEndpoint endpoint;
        try {
            endpoint = StatusEndpoint.builder(options.name())
                    .description("moves files from " + options.inbox() + " to " + options.outbox())
                    .bindAddress(options.bindAddress())
                    .port(options.port())
                    .heartbeatLimits(new HeartbeatLimits(options.heartbeatWarn(), options.heartbeatFail()))
                    .filter(slow)
                    .filter(frozen)
                    .start();
        } catch (IOException e) {
            log.info("cannot start: " + e.getMessage());
            return EXIT_CANNOT_START;
        }
        return serve(endpoint, mover, new WorkLoop(mover, faults, slow, frozen, endpoint::heartbeat,
                options.poll(), log), options, log);
    }

    // As a slow service: nothing listens and no pidfile exists until the delay is over. False if interrupted.
    private static boolean waitBeforeStarting(Duration delay, Log log) {
        if (delay.isZero()) {
            return true;
        }
        log.info("starting in " + delay.toMillis() / 1000.0 + " s (start delay)");
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private int serve(StatusEndpoint endpoint, FileMover mover, WorkLoop loop, FooOptions options, Log log) {
        long pid = ProcessHandle.current().pid();
        Pidfile pidfile = new Pidfile(options.pidfile());
        CountDownLatch finished = new CountDownLatch(1);
        shutdownHooks.accept(new Thread(() -> {
            loop.stop();
            try {
                finished.await(5, TimeUnit.SECONDS); // let run() close the endpoint and remove the pidfile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "foo-shutdown"));
        try (endpoint) {
            endpoint.register("queue:depth", () -> Observation.pass(mover.queueDepth(), "files"));
            endpoint.registerValue("files:moved", "files", mover::moved);
            endpoint.registerValue("files:errors", "files", mover::errors);
            try {
                pidfile.write(pid);
            } catch (IOException e) {
                log.info("cannot start: cannot write the pidfile: " + e);
                return EXIT_CANNOT_START;
            }
            log.info("ready: status at " + endpoint.uri() + ", moving " + options.inbox() + " -> " + options.outbox());
            WorkLoop.Outcome outcome;
            try {
                outcome = loop.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = WorkLoop.Outcome.STOPPED;
            }
            if (outcome == WorkLoop.Outcome.CRASHED) {
                log.info("exiting with status " + EXIT_CRASH + "; the pidfile stays, as after a real crash");
                return EXIT_CRASH;
            }
            pidfile.deleteIfOwnedBy(pid);
            log.info("stopped after moving " + mover.moved() + " files");
            return EXIT_OK;
        } finally {
            finished.countDown();
        }
    }
}
