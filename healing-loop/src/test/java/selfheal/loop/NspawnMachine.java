package selfheal.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Debian 12 container booted with real systemd as PID 1 under systemd-nspawn, through
 * {@code healing-loop/container/ct}: commands run inside it, and {@link #close()} powers it off. A guard process
 * ({@code ct guard}) powers it off as well when the test JVM dies or after {@link #LIFETIME_SECONDS}, so no
 * container outlives its test. The container shares the host's network: what listens inside on 127.0.0.x is
 * reachable from the test.
 */
final class NspawnMachine implements AutoCloseable {
    /** The root every container boots from, made once per machine by {@code container/rootfs}. */
    static final Path ROOT = Path.of("/var/tmp/nspawn-root");
    private static final long LIFETIME_SECONDS = 900;
    private static final Path CONTAINER = PrivateStack.checkout().resolve("healing-loop/container");

    /** What a command inside printed (stdout and stderr together) and its exit code. */
    record Result(int exit, String output) {
    }

    private final String name;
    private final Process guard;
    private final Path guardLog;
    private String poweredOff;
    /** What {@code ct start} printed: the leader's pid, the state reached, the boot time. */
    final String bootLine;

    private NspawnMachine(String name, Process guard, Path guardLog, String bootLine) {
        this.name = name;
        this.guard = guard;
        this.guardLog = guardLog;
        this.bootLine = bootLine;
    }

    /** Makes {@link #ROOT} unless it is there; returns the seconds it took (about 0 when it was there). */
    static double ensureRoot() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Result made = run(List.of(CONTAINER.resolve("rootfs").toString(), ROOT.toString()), 900);
        if (made.exit() != 0) {
            throw new AssertionError("the container's root could not be made:\n" + made.output());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Boots a container named {@code name} with these further systemd-nspawn arguments (the root among them).
     * {@code leftover}, if not null, is removed once the container is off (its overlay, say).
     */
    static NspawnMachine boot(String name, List<String> nspawnArgs, Path leftover)
            throws IOException, InterruptedException {
        List<String> start = new ArrayList<>(List.of(ct(), "start", name));
        start.addAll(nspawnArgs);
        Result started = run(start, 120);
        if (started.exit() != 0) {
            run(List.of(ct(), "stop", name), 60);
            throw new AssertionError("the container did not boot:\n" + started.output());
        }
        Path guardLog = Files.createTempFile("selfheal-ct-guard-", ".log");
        // A session of its own: a kill of the test's process group does not take the guard with it.
        List<String> guarding = new ArrayList<>(List.of("setsid", ct(), "guard", name, String.valueOf(LIFETIME_SECONDS)));
        if (leftover != null) {
            guarding.add(leftover.toString());
        }
        Process guard = new ProcessBuilder(guarding).redirectErrorStream(true).redirectOutput(guardLog.toFile()).start();
        String[] lines = started.output().strip().split("\n");
        return new NspawnMachine(name, guard, guardLog, lines[lines.length - 1]);
    }

    /** Runs {@code command} inside, as root with a clean environment, in no unit. */
    Result exec(String... command) {
        return exec(Duration.ofSeconds(120), command);
    }

    /** {@link #exec(String...)} with a limit of its own (an apt-get that downloads takes longer). */
    Result exec(Duration limit, String... command) {
        List<String> line = new ArrayList<>(List.of(ct(), "exec", name));
        line.addAll(List.of(command));
        try {
            return run(line, limit.toSeconds());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code sh -c script} inside; fails unless it exits 0; returns its output, stripped. */
    String sh(String script) {
        return sh(Duration.ofSeconds(120), script);
    }

    /** {@link #sh(String)} with a limit of its own. */
    String sh(Duration limit, String script) {
        Result result = exec(limit, "sh", "-c", script);
        if (result.exit() != 0) {
            throw new AssertionError("inside " + name + ": " + script + " exited " + result.exit() + ":\n"
                    + result.output());
        }
        return result.output().strip();
    }

    /** The container's console: systemd's boot and shutdown messages. */
    String console() {
        try {
            Path file = Path.of("/run/selfheal-ct/" + name + ".console");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Powers the container off (a clean poweroff, killed after 15 s); returns what {@code ct stop} said. */
    String powerOff() {
        if (poweredOff != null) {
            return poweredOff;
        }
        try {
            guard.getOutputStream().close(); // the guard stops the container at the end of its input
            String said;
            if (guard.waitFor(40, TimeUnit.SECONDS)) {
                said = Files.readString(guardLog).strip();
            } else {
                guard.destroyForcibly();
                said = run(List.of(ct(), "stop", name), 60).output().strip();
            }
            Files.deleteIfExists(guardLog);
            for (String kept : List.of(".console", ".rc")) {
                Files.deleteIfExists(Path.of("/run/selfheal-ct/" + name + kept));
            }
            poweredOff = said;
            return said;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        powerOff();
    }

    private static String ct() {
        return CONTAINER.resolve("ct").toString();
    }

    private static Result run(List<String> command, long seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            throw new AssertionError(String.join(" ", command) + ": no end within " + seconds + " s");
        }
        reader.join(5000);
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    }
}
