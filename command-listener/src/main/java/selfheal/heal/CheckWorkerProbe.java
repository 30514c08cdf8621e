package selfheal.heal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import selfheal.check.worker.CheckWorker;

/**
 * Reads a worker's endpoint with check_worker itself, in this JVM: the same options, formats, thresholds,
 * staleness and timeout as the plugin Nagios runs, with no process per reading.
 */
final class CheckWorkerProbe implements WorkerWatch.Probe {
    private static final String[] STATES = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

    @Override
    public WorkerWatch.Reading read(WatchSpec spec) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = new CheckWorker(InstantSource.system(), Path.of("/")).run(spec.checkArgs(), out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        int perfdata = line.indexOf(" | ");
        return new WorkerWatch.Reading(code >= 0 && code < STATES.length ? STATES[code] : "UNKNOWN",
                perfdata < 0 ? line : line.substring(0, perfdata));
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
