package selfheal.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import selfheal.check.listener.CheckListener;
import selfheal.check.worker.CheckWorker;

/**
 * The start-up rule (selfheal.plugin's package-info), enforced: each plugin runs in a fresh JVM with the
 * launchers' interpreter flags and {@code -Xlog:class+load}, and the classes it loaded must hold no regex, no
 * Formatter, no invokedynamic record methods (a record's toString, equals or hashCode), and no lambda but the
 * JDK sockets' and commons-cli's own.
 */
class StartupTest {

    /**
     * Where a lambda may come from: the JDK's socket implementation spins its own on every connect (on JDK 17,
     * java.net.SocketImpl and sun.nio.ch.NioSocketImpl), and commons-cli 1.9's CommandLine.Builder holds a method
     * reference for deprecated options. Ours, a stream's (java.util.stream) or any other fails.
     */
    private static final List<String> LAMBDA_HOSTS = List.of("java.net.", "sun.nio.ch.", "sun.net.",
            "org.apache.commons.cli.CommandLine$Builder");

    private static final String HEALTH = """
            {"status":"pass","checks":{"worker:heartbeat":[{"status":"pass","observedValue":3,"observedUnit":"s","time":"2026-11-25T09:00:00.5+01:00"}],
             "queue:depth":[{"status":"pass","observedValue":17}]}}""";

    static HttpServer http;
    static ServerSocket listener;
    static volatile String reply = "OK pong\n";

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/health", exchange -> send(exchange, "application/health+json", HEALTH));
        http.createContext("/k8s", exchange -> send(exchange, "text/plain", "[+]ping ok\r\n[+]log ok\r\nlivez check passed\n"));
        http.start();
        listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try (Socket client = listener.accept()) {
                    InputStream in = client.getInputStream();
                    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                        // the request line, "ping"
                    }
                    OutputStream out = client.getOutputStream();
                    out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // closed at the end, or the client went away
                }
            }
        }, "listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        http.stop(0);
        listener.close();
    }

    record Run(int code, String output, List<String> classes) {
    }

    /** Runs {@code main} in a fresh JVM with the launchers' interpreter flags, logging every class it loads. */
    private Run run(Class<?> main, String... args) throws IOException, InterruptedException {
        Path log = tmp.resolve("classes.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "-XX:-UsePerfData", "-Xlog:class+load:file=" + log,
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the check ended");
        List<String> classes = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            // [0.097s][info][class,load] java.util.regex.Pattern source: shared objects file
            String rest = line.substring(line.indexOf("] ") + 2);
            classes.add(rest.substring(0, rest.indexOf(' ')));
        }
        return new Run(p.exitValue(), output, classes);
    }

    private static void assertKeepsTheRule(Run run) {
        assertTrue(run.classes().contains("selfheal.plugin.CheckResult"), "no classes logged: " + run.classes().size());
        List<String> offending = new ArrayList<>();
        for (String c : run.classes()) {
            if (c.startsWith("java.util.regex.") || c.equals("java.util.Formatter")
                    || c.equals("java.lang.runtime.ObjectMethods")
                    || c.contains("$$Lambda") && !allowedLambdaHost(c.substring(0, c.indexOf("$$Lambda")))) {
                offending.add(c);
            }
        }
        assertEquals(List.of(), offending, "loaded on the check path against the start-up rule (selfheal.plugin's package-info)");
    }

    private static boolean allowedLambdaHost(String host) {
        for (String allowed : LAMBDA_HOSTS) {
            if (host.equals(allowed) || allowed.endsWith(".") && host.startsWith(allowed)) {
                return true;
            }
        }
        return false;
    }

    private String[] worker(String... args) {
        List<String> all = new ArrayList<>(List.of("-H", "127.0.0.1", "-p", String.valueOf(http.getAddress().getPort())));
        all.addAll(List.of(args));
        return all.toArray(new String[0]);
    }

    @Test
    void aPlainHealthJsonCheck() throws Exception {
        Run r = run(CheckWorker.class, worker("-u", "/health"));
        assertTrue(r.output().startsWith("WORKER OK - health+json pass, 2 checks, HTTP 200 OK in "), r.output());
        assertEquals(0, r.code(), r.output());
        assertKeepsTheRule(r);
    }

    @Test
    void aHealthJsonCheckWithThresholdsValuesAndStaleness() throws Exception {
        Run r = run(CheckWorker.class, worker("-u", "/health", "-w", "1", "-c", "~:5", "-s", "pass", "-e", "200,204",
                "--value", "/checks/queue:depth/0/observedValue,warn=@100:,crit=1000", "--stale", "worker:heartbeat,crit=3000000000", "--stale", "/checks/worker:heartbeat/0/observedValue,warn=60,label=beat"));
        assertTrue(r.output().startsWith("WORKER OK - health+json pass, 2 checks, HTTP 200 OK in "), r.output());
        assertTrue(r.output().contains(" 'queue:depth'=17;@100:;1000 'worker:heartbeat age'="), r.output());
        assertTrue(r.output().contains("s;;3000000000;0 'beat'=3s;60;;0\n"), r.output());
        assertKeepsTheRule(r);
    }

    @Test
    void aKubernetesTextCheckWithTheBodyInTheLongOutput() throws Exception {
        Run r = run(CheckWorker.class, worker("-u", "/k8s", "-vv"));
        assertTrue(r.output().startsWith("WORKER OK - kubernetes livez check passed, 2 checks, HTTP 200 OK in "), r.output());
        assertTrue(r.output().contains("\nbody: [+]ping ok [+]log ok livez check passed\n"), r.output());
        assertKeepsTheRule(r);
    }

    @Test
    void listenerPings() throws Exception {
        String port = String.valueOf(listener.getLocalPort());
        reply = "OK pong\n";
        Run r = run(CheckListener.class, "-H", "127.0.0.1", "-p", port, "-w", "5");
        assertTrue(r.output().startsWith("LISTENER OK - pong from 127.0.0.1:" + port + " in "), r.output());
        assertKeepsTheRule(r);
        reply = "OK pong budget-exhausted=foo-restart\n";
        r = run(CheckListener.class, "-H", "127.0.0.1", "-p", port);
        assertTrue(r.output().startsWith("LISTENER CRITICAL - restart budget exhausted for foo-restart (command-listener --reset NAME on 127.0.0.1), pong from 127.0.0.1:" + port + " in "), r.output());
        assertKeepsTheRule(r);
        reply = "OK pong heals=foo-restart:watch=3:remote=1 flapping=foo-restart\n";
        r = run(CheckListener.class, "-H", "127.0.0.1", "-p", port);
        assertTrue(r.output().startsWith("LISTENER WARNING - foo-restart flapping: 4 heals in 1h (watch 3, remote 1), pong from "), r.output());
        assertTrue(r.output().contains(" 'foo-restart_watch'=3;;;0 'foo-restart_local'=0;;;0 'foo-restart_remote'=1;;;0"), r.output());
        assertKeepsTheRule(r);
        reply = "ERR \u0001|\n";
        r = run(CheckListener.class, "-H", "127.0.0.1", "-p", port);
        assertTrue(r.output().startsWith("LISTENER CRITICAL - unexpected reply from 127.0.0.1:" + port + ": 'ERR \\x01\\x7c' in "), r.output());
        assertKeepsTheRule(r);
    }

    @Test
    void regexLoadsOnlyForTheRegexOption() throws Exception {
        // The exemption, and proof that the log sees what the rule forbids.
        Run r = run(CheckWorker.class, worker("-u", "/health", "-r", "\"status\":\\s*\"pass\""));
        assertEquals(0, r.code(), r.output());
        assertTrue(r.classes().contains("java.util.regex.Pattern"), "java.util.regex.Pattern not loaded");
    }
}
