package selfheal.heal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The local watch, the first tier of healing: {@code command-listener --watch [--config FILE]}, resident, as
 * the listener's user. One {@link WorkerWatch} per {@code watch.<name>.*}, each on a thread of its own (a heal
 * it waits for holds up no other worker). SIGHUP re-reads the configuration: a worker still configured keeps
 * its counters and grace, a new one starts in its grace, a removed one stops. One log line per event on
 * stdout (the journal under systemd).
 */
final class Watch {
    private final Path file;
    private final HealPath heal;
    private final PrintStream log;
    private final WorkerWatch.Probe probe;
    private final Map<String, Runner> runners = new HashMap<>();
    private volatile ListenerConfig config;

    Watch(Path file, InstantSource clock, PrintStream log, WorkerWatch.Probe probe) {
        this.file = file;
        this.heal = new HealPath(clock);
        this.log = log;
        this.probe = probe;
    }

    /**
     * Loads the configuration, starts a thread per worker and runs until the process ends (or
     * {@code stopped} counts down, for tests). 1 at once when the configuration is invalid or watches nothing.
     */
    int run(CountDownLatch stopped) throws InterruptedException {
        List<String> problems = load();
        if (!problems.isEmpty()) {
            problems.forEach(p -> line("ERROR " + file + ": " + p));
            return 1;
        }
        logBroken();
        if (config.watches().isEmpty()) {
            line("ERROR " + file + ": no watch.<name>.url is configured: nothing to watch");
            return 1;
        }
        Signals.onHangup(this::reload); // before any thread: a reload at once must not end the JVM
        start();
        stopped.await();
        synchronized (this) {
            runners.values().forEach(Runner::stop);
        }
        return 0;
    }

    /** SIGHUP: the new configuration if it is valid, else the old one stays, and says why. */
    synchronized void reload() {
        List<String> problems = load(); // replaces the configuration only when it is valid
        if (!problems.isEmpty()) {
            problems.forEach(p -> line("reload refused, the running configuration stays: " + p));
            return;
        }
        line("reloaded " + file + ": " + config.watches().size() + " workers watched");
        logBroken();
        start();
    }

    /** Each problem of a refused drop-in: its workers are not watched, the others are. */
    private void logBroken() {
        for (DropIn dropIn : config.broken()) {
            for (String problem : dropIn.problems()) {
                line("ERROR drop-in refused, its workers are not watched: " + problem);
            }
        }
    }

    private static final ListenerConfig.Judge WATCH_OPTIONS = new ListenerConfig.Judge() {
        @Override
        public List<String> problems(ListenerConfig config) {
            return CheckWorkerProbe.problems(config);
        }
    };

    private List<String> load() {
        try {
            // check_worker's rules for each watch's options: a drop-in that breaks them is refused, not the watch
            config = ListenerConfig.load(file, WATCH_OPTIONS);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    /** Starts what is new, updates what stays, stops what is gone. */
    private synchronized void start() {
        Map<String, WatchSpec> wanted = config.watches();
        for (String name : new ArrayList<>(runners.keySet())) {
            if (!wanted.containsKey(name)) {
                runners.remove(name).stop();
                line(name + ": no longer watched");
            }
        }
        for (WatchSpec spec : wanted.values()) {
            Runner runner = runners.get(spec.name());
            if (runner != null) {
                runner.watch.update(spec);
            } else {
                WorkerWatch watch = new WorkerWatch(spec, () -> config, probe, heal, System::nanoTime, this::line);
                runner = new Runner(watch, this::line);
                runners.put(spec.name(), runner);
                runner.thread.start();
            }
        }
    }

    private void line(String text) {
        synchronized (log) {
            log.println(java.time.Instant.now() + " " + text);
            log.flush();
        }
    }

    /** One worker's thread: a round every interval, measured from round start to round start. */
    private static final class Runner implements Runnable {
        final WorkerWatch watch;
        final Thread thread;
        private final java.util.function.Consumer<String> log;
        private volatile boolean stopping;

        Runner(WorkerWatch watch, java.util.function.Consumer<String> log) {
            this.watch = watch;
            this.log = log;
            this.thread = new Thread(this, "watch-" + watch.spec().name());
        }

        @Override
        public void run() {
            while (!stopping) {
                long start = System.nanoTime();
                try {
                    watch.round();
                } catch (RuntimeException e) {
                    // One bad round must not end the watch over this worker; the next may go well.
                    log.accept(watch.spec().name() + ": round failed: " + e);
                }
                long left = watch.spec().interval().toNanos() - (System.nanoTime() - start);
                if (left > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        void stop() {
            stopping = true;
            thread.interrupt();
        }
    }
}
