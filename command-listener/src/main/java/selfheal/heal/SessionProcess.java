package selfheal.heal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * A script started through {@code setsid}, so its pid is also the id of a new process group holding
 * everything it starts. Destroying it (what the watchdog does at the timeout) kills that whole group: TERM,
 * a short grace, then KILL. A worker that a start script deliberately detaches with its own setsid is in
 * another group and survives, as it should.
 */
final class SessionProcess extends Process {
    static final String SETSID = "/usr/bin/setsid";
    /**
     * Runs the script with SIGPIPE ignored (coreutils 8.31 and later): a script whose listener died (killed,
     * OOM) must finish its restart, not die half-way at its next line of output to the listener's pipe.
     */
    static final String ENV = "/usr/bin/env";
    static final String IGNORE_SIGPIPE = "--ignore-signal=PIPE";
    static final String KILL = "/bin/kill";
    private static final long GRACE_MS = 1000;

    private final Process process;

    SessionProcess(Process process) {
        this.process = process;
    }

    @Override
    public void destroy() {
        signalGroup("-TERM");
        try {
            process.waitFor(GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Children may outlive the script's own exit: KILL the group unconditionally.
        signalGroup("-KILL");
        process.destroyForcibly();
    }

    @Override
    public Process destroyForcibly() {
        signalGroup("-KILL");
        return process.destroyForcibly();
    }

    private void signalGroup(String signal) {
        try {
            Process kill = new ProcessBuilder(KILL, signal, "--", "-" + process.pid())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public OutputStream getOutputStream() {
        return process.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return process.getInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return process.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return process.toHandle();
    }
}
