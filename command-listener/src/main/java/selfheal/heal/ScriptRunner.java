package selfheal.heal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs one whitelisted script through commons-exec: an argument vector (never a shell), a clean environment
 * with a fixed PATH, stdin closed, stdout and stderr drained into a bounded buffer, and a watchdog that kills
 * the script's whole process group at the timeout. Only this class touches commons-exec, so ping and help
 * never load it.
 */
final class ScriptRunner {
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final int OUTPUT_LIMIT = 4096;

    private ScriptRunner() {
    }

    /** How a run ended. {@code exit} is meaningless when {@code timedOut}. */
    record Outcome(int exit, boolean timedOut, double seconds, String output) {
    }

    /** Told the script's process group as soon as it exists, before the run goes on. */
    interface Started {
        void started(long processGroup) throws IOException;
    }

    static Outcome run(AllowedCommand command, List<String> clientArgs, String peer, Started started)
            throws IOException {
        CommandLine line = new CommandLine(SessionProcess.SETSID);
        line.addArgument(SessionProcess.ENV, false);
        line.addArgument(SessionProcess.IGNORE_SIGPIPE, false);
        line.addArgument(command.executable().toString(), false);
        for (String arg : command.fixedArgs()) {
            line.addArgument(arg, false);
        }
        for (String arg : clientArgs) {
            line.addArgument(arg, false);
        }
        BoundedCapture output = new BoundedCapture(OUTPUT_LIMIT);
        PumpStreamHandler streams = new PumpStreamHandler(output, output);
        // A child that escaped the group kill but holds the pipe must not keep us waiting for EOF.
        streams.setStopTimeout(java.time.Duration.ofSeconds(2));
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(command.timeout()).get();
        DefaultExecutor executor = new SessionExecutor(command.directory(), started);
        executor.setStreamHandler(streams);
        executor.setWatchdog(watchdog);
        executor.setExitValues(null);
        Map<String, String> env = Map.of(
                "PATH", PATH,
                "LANG", "C",
                "SELFHEAL_COMMAND", command.name(),
                "SELFHEAL_PEER", peer);
        long start = System.nanoTime();
        int exit = executor.execute(line, env);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(exit, watchdog.killedProcess(), seconds, output.text());
    }

    /** Hands the watchdog a process whose destroy() kills the script's whole process group. */
    private static final class SessionExecutor extends DefaultExecutor {
        private final Started started;

        // The builder cannot make a subclass, and launch() is the one hook that sees the Process.
        @SuppressWarnings("deprecation")
        SessionExecutor(Path directory, Started started) {
            super();
            this.started = started;
            setWorkingDirectory(directory.toFile());
        }

        /**
         * What commons-exec's own launcher does (Runtime.exec with exactly this environment and directory),
         * minus its environment conversion through streams and lambdas, which cost a fresh JVM several
         * milliseconds before the script even started.
         */
        @Override
        protected Process launch(CommandLine command, Map<String, String> env, Path dir) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command.toStrings()).directory(dir.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            SessionProcess process = new SessionProcess(builder.start());
            try {
                // setsid(1) execs in place: the pid is the new session's and its process group's id
                started.started(process.pid());
            } catch (IOException | RuntimeException e) {
                process.destroy();
                throw e;
            }
            return process;
        }
    }
}
