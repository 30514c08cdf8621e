package selfheal.loop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every foo JVM of one stack that existed while this watched, and every pid its pidfile named (the foos that
 * came up: foo writes the pidfile once it listens). Polls /proc every 20 ms; a JVM lives far longer than that
 * before it could do anything, so none slips through. Only the JVM counts (java running selfheal.demo.Foo
 * with this stack's --home): the shells that lead to it carry the same arguments but are not a worker.
 */
final class FooWatch implements AutoCloseable {
    private static final long STEP_MILLIS = 20;

    private final String home;
    private final Path pidfile;
    private final Set<Long> started = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Set<Long> cameUp = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Thread thread;
    private volatile boolean stopped;

    FooWatch(Path home, Path pidfile) {
        this.home = home.toString();
        this.pidfile = pidfile;
        poll();
        thread = new Thread(this::run, "foo-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Pids of the foo JVMs seen, in the order they appeared. */
    List<Long> started() {
        synchronized (started) {
            return new ArrayList<>(started);
        }
    }

    /** Pids the pidfile named, in order: the foos that came up. */
    List<Long> cameUp() {
        synchronized (cameUp) {
            return new ArrayList<>(cameUp);
        }
    }

    /** The foo JVMs alive now. */
    List<Long> alive() {
        return started().stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .toList();
    }

    private void run() {
        while (!stopped) {
            poll();
            try {
                Thread.sleep(STEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll() {
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p.getFileName().toString()))) {
            for (Path proc : procs) {
                if (isFoo(proc)) {
                    started.add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            // /proc cannot be listed: the next poll tries again
        }
        try {
            String text = Files.readString(pidfile).strip();
            if (!text.isEmpty()) {
                cameUp.add(Long.parseLong(text));
            }
        } catch (IOException | NumberFormatException e) {
            // no pidfile (foo is down), or one being written
        }
    }

    private boolean isFoo(Path proc) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(proc.resolve("cmdline"));
        } catch (IOException e) {
            return false; // gone meanwhile
        }
        List<String> args = Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
        int at = args.indexOf("--home");
        return !args.isEmpty() && args.get(0).endsWith("java") && args.contains("selfheal.demo.Foo")
                && at >= 0 && at + 1 < args.size() && args.get(at + 1).equals(home);
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
