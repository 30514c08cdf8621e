package selfheal.heal;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import selfheal.check.worker.CheckWorker;
import selfheal.plugin.CheckResult;
import selfheal.plugin.UsageException;

/**
 * Reads a worker's endpoint with check_worker itself, in this JVM: the same options, formats, thresholds,
 * staleness and timeout as the plugin Nagios runs, with no process per reading. A watch reads every second
 * for days, so what can be done once is: each watch's options are parsed once (again only when a reload
 * changes them), and the requests run on reused threads rather than a new one each.
 */
final class CheckWorkerProbe implements WorkerWatch.Probe {
    private final CheckWorker checkWorker;
    private final Map<String, Prepared> prepared = new ConcurrentHashMap<>();

    /** A watch's check, parsed from the spec it was made for. */
    private record Prepared(WatchSpec spec, Supplier<CheckResult> check) {
    }

    CheckWorkerProbe() {
        ExecutorService threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "watch-request");
            thread.setDaemon(true);
            return thread;
        });
        this.checkWorker = new CheckWorker(InstantSource.system(), Path.of("/"), threads);
    }

    @Override
    public WorkerWatch.Reading read(WatchSpec spec) {
        Prepared current = prepared.get(spec.name());
        if (current == null || current.spec() != spec) {
            try {
                current = new Prepared(spec, checkWorker.repeatable(spec.checkArgs()));
            } catch (UsageException e) {
                // --check-config and the watch's start refuse such options; a reading must still never throw
                return new WorkerWatch.Reading("UNKNOWN", "WORKER UNKNOWN - usage: " + e.getMessage());
            }
            prepared.put(spec.name(), current);
        }
        CheckResult result = current.check().get();
        return new WorkerWatch.Reading(result.status().name(), firstLine(result));
    }

    /** The first line of what the plugin prints, without its perfdata. */
    private static String firstLine(CheckResult result) {
        String text = result.render();
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        int perfdata = line.indexOf(" | ");
        return perfdata < 0 ? line : line.substring(0, perfdata);
    }

    /** One line per watch whose check_worker options check_worker would refuse, naming the key. */
    static List<String> problems(ListenerConfig config) {
        List<String> problems = new ArrayList<>();
        for (WatchSpec spec : config.watches().values()) {
            String problem = CheckWorker.usageProblem(spec.checkArgs());
            if (problem != null) {
                problems.add("watch." + spec.name() + ".args: check_worker would refuse it: " + problem);
            }
        }
        return problems;
    }
}
