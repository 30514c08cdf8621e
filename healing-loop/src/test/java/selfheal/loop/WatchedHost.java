package selfheal.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One worker host on its own loopback address (127.0.0.2): foo installed as an operator would (its scripts,
 * launcher and jar, settings in foo.conf), a listener configuration whitelisting foo-restart, foo-stop and
 * foo-start and watching foo, and the local watch, {@code command-listener --watch}, as a real process. An
 * operator's request goes through the listener launcher with the request on stdin (the local operator).
 * {@link #close()} stops the watch, then foo, by pid.
 */
final class WatchedHost implements AutoCloseable {
    static final String ADDRESS = "127.0.0.2";

    final Path dir;
    final Path config;
    final Path audit;
    final Path watchLog;
    final Path fooHome;
    final int port;
    final FooProcess foo;
    private Process watch;

    private WatchedHost(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.config = dir.resolve("listener/listener.properties");
        this.audit = dir.resolve("listener/audit.log");
        this.watchLog = dir.resolve("watch.log");
        this.fooHome = dir.resolve("foo/home");
        this.foo = new FooProcess(fooHome.resolve("foo.pid"), ADDRESS, port);
    }

    /**
     * foo running and its configuration written, the watch not yet started. {@code extra} are more lines of the
     * listener configuration (a key given here replaces the default of the same key).
     */
    static WatchedHost create(String fooOpts, Map<String, String> extra) throws IOException {
        Path dir = Files.createTempDirectory("selfheal-watch-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        WatchedHost host = new WatchedHost(dir, freePort());
        try {
            host.install(fooOpts, extra);
            String started = host.operatorScript("start.sh");
            if (!started.contains("foo started")) {
                throw new AssertionError("foo did not start: " + started);
            }
            return host;
        } catch (IOException | RuntimeException | Error e) {
            host.close();
            throw e;
        }
    }

    private void install(String fooOpts, Map<String, String> extra) throws IOException {
        Path checkout = PrivateStack.checkout();
        Path bin = dir.resolve("foo/bin");
        Files.createDirectories(bin);
        Files.createDirectories(fooHome);
        Files.createDirectories(dir.resolve("listener/state"));
        for (String script : List.of("start.sh", "stop.sh", "restart.sh", "common.sh")) {
            Files.copy(checkout.resolve("demo-worker/scripts/" + script), bin.resolve(script));
        }
        Files.copy(checkout.resolve("demo-worker/bin/foo"), bin.resolve("foo"));
        Files.copy(checkout.resolve("launcher/launch.sh"), bin.resolve("launch.sh"));
        for (String program : List.of("start.sh", "stop.sh", "restart.sh", "foo", "launch.sh")) {
            Files.setPosixFilePermissions(bin.resolve(program), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createSymbolicLink(bin.resolve("demo-worker.jar"), checkout.resolve("demo-worker/target/demo-worker.jar"));
        for (String name : List.of("foo", "bin", "listener")) {
            Files.setPosixFilePermissions(name.equals("bin") ? bin : dir.resolve(name),
                    PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(dir.resolve("listener/state"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(bin.resolve("foo.conf"), String.join("\n",
                "FOO_HOME=" + fooHome, "FOO_PORT=" + port, "FOO_BIND=" + ADDRESS, "FOO_OPTS=" + fooOpts,
                "FOO_START_TIMEOUT=30", "FOO_STOP_GRACE=3", ""));
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        keys.put("allow", "127.0.0.1");
        keys.put("state.dir", dir.resolve("listener/state").toString());
        keys.put("audit.log", audit.toString());
        keys.put("command.foo-restart", bin.resolve("restart.sh").toString());
        keys.put("command.foo-restart.timeout", "40");
        keys.put("command.foo-restart.settle", "4");
        keys.put("command.foo-restart.budget", "3/15m");
        keys.put("command.foo-stop", bin.resolve("stop.sh").toString());
        keys.put("command.foo-stop.timeout", "15");
        keys.put("command.foo-start", bin.resolve("start.sh").toString());
        keys.put("command.foo-start.timeout", "40");
        keys.put("handler.timeout", "45");
        keys.put("watch.foo.url", "http://" + ADDRESS + ":" + port + "/health");
        keys.put("watch.foo.heal", "foo-restart");
        keys.put("watch.foo.grace", "3");
        keys.putAll(extra);
        writeConfig(keys);
    }

    /** The configuration with {@code changes} put in (a key already there keeps its place). */
    void configure(Map<String, String> changes) throws IOException {
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(config)) {
            int eq = line.indexOf(" = ");
            keys.put(line.substring(0, eq), line.substring(eq + 3));
        }
        keys.putAll(changes);
        writeConfig(keys);
    }

    private void writeConfig(Map<String, String> keys) throws IOException {
        StringBuilder text = new StringBuilder();
        keys.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(config, text);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    }

    /** Starts {@code command-listener --watch} and waits until it watches foo. */
    void startWatch() throws IOException {
        watch = new ProcessBuilder(listener().toString(), "--watch", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(watchLog.toFile()))
                .start();
        Poll.until(Duration.ofSeconds(20), "the watch to start", () -> log().contains("foo: watching"),
                this::diagnostics);
    }

    Process watch() {
        return watch;
    }

    /** SIGHUP to the watch. */
    void hangUp() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-HUP", String.valueOf(watch.pid())).start().waitFor();
    }

    private static Path listener() {
        return PrivateStack.checkout().resolve("command-listener/bin/command-listener");
    }

    /** A request as a local operator sends it on the host: the listener with the line on stdin. */
    String request(String line) throws IOException {
        Process p = new ProcessBuilder(listener().toString(), "--config", config.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("no reply to " + line + " within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    }

    /** Runs one of foo's scripts as the operator would, returning its output. */
    String operatorScript(String script) throws IOException {
        Process p = new ProcessBuilder(dir.resolve("foo/bin/" + script).toString()).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    long fooPid() {
        return foo.pid();
    }

    boolean fooAlive() {
        return foo.alive();
    }

    /** kill -9 of foo; returns the pid killed. */
    long killFoo() {
        return foo.kill(this::diagnostics);
    }

    void fault(String name, String content) throws IOException {
        Files.writeString(fooHome.resolve("fault-" + name), content);
    }

    /** Whether foo, a new one if {@code not} is its old pid, answers its status endpoint with HTTP 200. */
    boolean answersOk(long not) {
        return foo.answersOk(not);
    }

    List<String> auditLines() {
        try {
            return Files.exists(audit) ? Files.readAllLines(audit, StandardCharsets.US_ASCII) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Outcome records of runs of foo-restart (the scripts that ran, whatever their end), by trigger. */
    long restarts(String peer) {
        return auditLines().stream()
                .filter(l -> l.contains(" phase=outcome ") && l.contains(" peer=" + peer + " ")
                        && l.contains("request=\"foo-restart\"")
                        && (l.contains("reply=\"OK foo-restart exit=") || l.contains("reply=\"ERR failed foo-restart")
                        || l.contains("reply=\"ERR timeout foo-restart")))
                .count();
    }

    String log() {
        try {
            return Files.exists(watchLog) ? Files.readString(watchLog) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String diagnostics() {
        List<String> out = new ArrayList<>();
        out.add("--- watch log");
        out.add(log());
        out.add("--- audit log");
        out.addAll(auditLines());
        out.add("--- foo log");
        try {
            Path fooLog = fooHome.resolve("foo.log");
            if (Files.exists(fooLog)) {
                List<String> lines = Files.readAllLines(fooLog);
                out.addAll(lines.subList(Math.max(0, lines.size() - 10), lines.size()));
            }
        } catch (IOException e) {
            out.add(e.toString());
        }
        return String.join("\n", out);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.destroyForcibly();
            try {
                watch.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // foo, whichever started it, and any script still running: everything that names this directory
        try {
            for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
                String line = p.info().commandLine().orElse("");
                if (line.contains(dir.toString())) {
                    p.destroyForcibly();
                }
            }
        } catch (RuntimeException e) {
            // best effort: the processes may have gone meanwhile
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
