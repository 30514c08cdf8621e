package selfheal.heal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
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

    /** Null when the watch's check_worker options are valid, else check_worker's usage message. */
    static String problem(WatchSpec spec) {
        return CheckWorker.usageProblem(spec.checkArgs());
    }
}
