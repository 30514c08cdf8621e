package selfheal.loop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole loop on 127.0.0.1, run by {@code healing-loop/stack/stack} in its own directory: foo, real
 * Nagios 4 with check_worker, check_listener and the event handler, real xinetd with the command-listener.
 * The stack script keeps running until its standard input closes, then stops everything it started by pid;
 * so {@link #close()}, or this JVM dying, stops it.
 */
final class PrivateStack implements AutoCloseable {
    static final String WORKER = "foo worker";
    static final String LISTENER = "selfheal listener";
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    /** Longer than any command timeout a test sets: the listener always answers first. */
    private static final Duration REQUEST_LIMIT = Duration.ofSeconds(120);

    private final Path base;
    private final Path dir;
    private final Path output;
    private final Process process;
    private final Map<String, String> env;

    private PrivateStack(Path base, Path dir, Path output, Process process, Map<String, String> env) {
        this.base = base;
        this.dir = dir;
        this.output = output;
        this.process = process;
        this.env = env;
    }

    /** Starts a stack with these settings (the STACK_* variables the stack script documents). */
    static PrivateStack start(Map<String, String> settings) throws IOException {
        Path base = Files.createTempDirectory("selfheal-loop-");
        // Nagios runs as the nagios user and must be able to reach the stack directory inside.
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = base.resolve("stack");
        Path output = base.resolve("stack.out");
        ProcessBuilder builder = new ProcessBuilder(script().toString(), "run", dir.toString(), "--until-eof")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(settings);
        Process process = builder.start();
        PrivateStack stack = new PrivateStack(base, dir, output, process, new HashMap<>());
        try {
            Poll.until(START_LIMIT, "the stack to be ready",
                    () -> Files.exists(dir.resolve("ready")) || !process.isAlive(), stack::diagnostics);
            if (!process.isAlive()) {
                throw new AssertionError("the stack did not start:\n" + stack.diagnostics());
            }
            for (String line : Files.readAllLines(dir.resolve("stack.env"))) {
                int eq = line.indexOf('=');
                stack.env.put(line.substring(0, eq), unquoted(line.substring(eq + 1)));
            }
            return stack;
        } catch (IOException | RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    /** stack.env quotes the STACK_* values for a shell: 'text', with ' written as '\''. */
    private static String unquoted(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1).replace("'\\''", "'");
        }
        return value;
    }

    static Path checkout() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    }

    private static Path script() {
        return checkout().resolve("healing-loop/stack/stack");
    }

    String env(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException("stack.env has no " + key);
        }
        return value;
    }

    int envInt(String key) {
        return Integer.parseInt(env(key));
    }

    ServiceStatus service(String description) {
        return ServiceStatus.read(Path.of(env("STATUS_FILE")), description)
                .orElse(new ServiceStatus(description, -1, false, 0, false, "(not in status.dat yet)", 0));
    }

    /** Waits until Nagios shows the service in this state; returns how long that took. */
    Duration awaitService(String description, int state, boolean hard, Duration limit) {
        return Poll.until(limit, description + " in state " + state + (hard ? " HARD" : ""),
                () -> service(description).is(state, hard), this::diagnostics);
    }

    List<String> lines(String fileKey) {
        Path file = Path.of(env(fileKey));
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Audit log lines of requests for {@code command} (pings left out). */
    List<String> requests(String command) {
        return lines("AUDIT_LOG").stream().filter(l -> l.contains("request=\"" + command + "\"")).toList();
    }

    /** Runs of the command's script: the requests the listener neither refused nor answered settling. */
    long runs(String command) {
        return requests(command).stream().filter(l -> ran(l, command)).count();
    }

    /** Whether an audit line is the outcome of a run of {@code command}'s script. */
    static boolean ran(String auditLine, String command) {
        return auditLine.contains("reply=\"OK " + command + " exit=")
                || auditLine.contains("reply=\"ERR failed " + command)
                || auditLine.contains("reply=\"ERR timeout " + command);
    }

    /** Whether an audit line is a request that the settle after a good run answered without running anything. */
    static boolean settled(String auditLine, String command) {
        return auditLine.contains("reply=\"OK " + command + " settling ");
    }

    /** The handler's log lines that end a call: after each, that handler sends no further request. */
    private static final Set<String> HANDLER_ENDS = Set.of("healed", "settling", "failed", "fail", "skip");

    /**
     * Waits until every event handler Nagios has started for the foo worker has asked its last: Nagios logs
     * "SERVICE EVENT HANDLER" as it starts one, and each logs exactly one line that ends its call (time, then
     * healed, settling, failed or skip).
     */
    void awaitHandlersDone(Duration limit) {
        Poll.until(limit, "every event handler Nagios started to end",
                () -> lines("NAGIOS_LOG").stream().filter(l -> l.contains("SERVICE EVENT HANDLER: foo-host;" + WORKER))
                        .count() == lines("HANDLER_LOG").stream().filter(l -> {
                            String[] words = l.split(" ", 3);
                            return words.length > 1 && HANDLER_ENDS.contains(words[1]);
                        }).count(),
                this::diagnostics);
    }

    long fooPid() {
        return foo().pid();
    }

    /** kill -9 of the running foo; returns its pid. */
    long killFoo() {
        return foo().kill(this::diagnostics);
    }

    private FooProcess foo() {
        return new FooProcess(Path.of(env("FOO_PIDFILE")), env("WORKER_HOST"), Integer.parseInt(env("WORKER_PORT")));
    }

    /** Creates foo's flag file fault-NAME (crash, hang, slow, freeze, refuse-start). */
    void fault(String name) throws IOException {
        fault(name, "");
    }

    /** Creates foo's flag file fault-NAME holding {@code content} (slow-start: the seconds to wait). */
    void fault(String name, String content) throws IOException {
        Files.writeString(Path.of(env("FOO_HOME"), "fault-" + name), content);
    }

    /** Starts watching for every foo process of this stack, so a test can tell how many ever existed. */
    FooWatch watchFoo() {
        return new FooWatch(Path.of(env("FOO_HOME")), Path.of(env("FOO_PIDFILE")));
    }

    /**
     * Sends one request line to the listener, through xinetd, as the event handler does; returns the reply
     * line ("" when the listener closed without one).
     */
    String listenerRequest(String line) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), envInt("LISTENER_PORT")),
                    (int) REQUEST_LIMIT.toMillis());
            socket.setSoTimeout((int) REQUEST_LIMIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String reply = in.readLine();
            return reply == null ? "" : reply;
        }
    }

    /** Writes one external command to Nagios' command file, e.g. DISABLE_SVC_EVENT_HANDLER;foo-host;foo worker. */
    void nagiosCommand(String command) throws IOException {
        String line = "[" + System.currentTimeMillis() / 1000 + "] " + command + "\n";
        Files.writeString(Path.of(env("COMMAND_FILE")), line, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    }

    /** Stops xinetd (SIGTERM by pid), so the listener port refuses connections. */
    void stopXinetd() {
        ProcessHandle handle = ProcessHandle.of(Long.parseLong(env("XINETD_PID")))
                .orElseThrow(() -> new AssertionError("xinetd is not running"));
        handle.destroy();
        Poll.until(Duration.ofSeconds(10), "xinetd to exit", () -> !handle.isAlive(), this::diagnostics);
    }

    /** What a failing test should show: service states and the loop's logs. */
    String diagnostics() {
        List<String> out = new ArrayList<>();
        try {
            out.add("--- stack output");
            if (Files.exists(output)) {
                out.addAll(tail(Files.readAllLines(output), 20));
            }
            if (!env.isEmpty()) {
                out.add("--- status.dat");
                out.add(service(WORKER).toString());
                out.add(service(LISTENER).toString());
                out.add("--- nagios.log (alerts, handlers, external commands)");
                out.addAll(tail(lines("NAGIOS_LOG").stream()
                        .filter(l -> l.contains("SERVICE") || l.contains("EXTERNAL")).toList(), 20));
                out.add("--- handler log");
                out.addAll(tail(lines("HANDLER_LOG"), 20));
                out.add("--- audit log (without ping)");
                out.addAll(tail(lines("AUDIT_LOG").stream().filter(l -> !l.contains("request=\"ping\"")).toList(), 20));
            }
        } catch (IOException | RuntimeException e) {
            out.add("(diagnostics incomplete: " + e + ")");
        }
        return String.join("\n", out);
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** Closes the stack script's standard input: it stops everything it started, by pid, and exits. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed: the script sees end of input either way
        }
        try {
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                throw new AssertionError("the stack did not stop within 40 s of end of input:\n" + diagnostics());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            delete(base);
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is not worth failing a test for
        }
    }
}
