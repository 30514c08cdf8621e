package selfheal.heal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one program of the evidence stage (jcmd, systemctl, the operator's evidence script) as the heal scripts
 * run: an argument vector through setsid (never a shell), a clean environment with a fixed PATH, stdin closed,
 * stdout and stderr together, kept up to a limit; at its time limit its whole process group is killed at once
 * (evidence has no graceful stop to wait for: the heal is waiting).
 */
final class EvidenceCommand {
    private EvidenceCommand() {
    }

    /** How it ended: its output (cut at the limit), and its exit code or that it was killed at its limit. */
    record Result(String output, int exit, boolean killed) {
        /** The output, and a last line saying how it ended when that was not a clean exit 0. */
        String text() {
            if (killed) {
                return output + (output.isEmpty() || output.endsWith("\n") ? "" : "\n") + "(killed at its time limit)\n";
            }
            return exit == 0 ? output : output + (output.isEmpty() || output.endsWith("\n") ? "" : "\n")
                    + "(exit " + exit + ")\n";
        }
    }

    static Result run(List<String> argv, Map<String, String> extraEnv, long limitNanos, int maxBytes)
            throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(SessionProcess.SETSID);
        line.add(SessionProcess.ENV);
        line.add(SessionProcess.IGNORE_SIGPIPE);
        line.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().put("PATH", ScriptRunner.PATH);
        builder.environment().put("LANG", "C");
        builder.environment().putAll(extraEnv);
        SessionProcess process = new SessionProcess(builder.start());
        BoundedCapture output = new BoundedCapture(maxBytes);
        Thread pump = new Thread(() -> drain(process.getInputStream(), output), "evidence-output");
        pump.setDaemon(true);
        pump.start();
        boolean ended;
        try {
            ended = process.waitFor(Math.max(0, limitNanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        if (!ended) {
            process.destroyForcibly();
            process.waitFor(1, TimeUnit.SECONDS);
        }
        // A child that left the group but holds the pipe must not keep us: the output so far is enough.
        pump.join(ended ? 500 : 100);
        return new Result(output.text(), ended ? process.exitValue() : -1, !ended);
    }

    private static void drain(InputStream in, BoundedCapture output) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                output.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the process was killed and its pipe closed: what was read is kept
        }
    }

    /** The first executable {@code name} in the fixed PATH, or null. */
    static String onPath(String name) {
        for (String dir : ScriptRunner.PATH.split(":")) {
            java.io.File file = new java.io.File(dir, name);
            if (file.isFile() && file.canExecute()) {
                return file.getPath();
            }
        }
        return null;
    }
}
