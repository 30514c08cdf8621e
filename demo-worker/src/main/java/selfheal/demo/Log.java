package selfheal.demo;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** One timestamped line per event, to the stream start.sh sends to the log file. */
record Log(PrintStream out) {
    void info(String message) {
        out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " foo[" + ProcessHandle.current().pid() + "]: "
                + message);
        out.flush();
    }
}
