package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * check_worker beside monitoring-plugins' check_http and check_curl (Debian's, installed): the same command line
 * against the same server gives the same state, for every option they share. Deliberate differences are in
 * check-worker/README.md's conventions table, not here. The server is plain HTTP on 127.0.0.2 (so that -I and
 * -4/-6 can be told apart from the defaults) and records the Host header each request carried.
 */
class ConventionsTest {

    static final Path PLUGINS = Path.of("/usr/lib/nagios/plugins");
    static final Map<String, String> HOSTS_SEEN = new ConcurrentHashMap<>();

    @TempDir
    static Path dir;
    static HttpServer server;
    static String port;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
        server.createContext("/health", exchange -> {
            HOSTS_SEEN.put(exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Host"));
            TestEndpoint.send(exchange, 200, "application/health+json", "{\"status\":\"pass\"}");
        });
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/health");
            TestEndpoint.send(exchange, 302, "text/plain", "moved");
        });
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestEndpoint.send(exchange, 200, "application/health+json", "{\"status\":\"pass\"}");
        });
        server.createContext("/missing", exchange -> TestEndpoint.send(exchange, 404, "text/plain", "no"));
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        port = String.valueOf(server.getAddress().getPort());
        Files.writeString(dir.resolve("plugins.ini"), "[worker1]\nhostname=127.0.0.2\nport=" + port + "\n");
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    /**
     * Each row: the arguments ({@code PORT} and {@code INI} filled in), the state check_worker gives, and which
     * peers must give it too: both, http, curl or none. A peer left out differs on purpose or by its own quirk,
     * each case named in check-worker/README.md's table (check_http sends no Host header with -I alone, which
     * the JDK's test server refuses; check_curl 2.3.3 does not follow a relative Location; both let the last of
     * -4/-6 win and take -t 0, which check_worker refuses as the usage errors they are).
     */
    @ParameterizedTest(name = "{0}: exit {1}")
    @CsvSource(delimiter = '#', textBlock = """
        ''                                                          # 3 # both
        -p PORT -u /health                                          # 3 # both
        -H 127.0.0.2 -p PORT -u /health                             # 0 # both
        -I 127.0.0.2 -p PORT -u /health                             # 0 # curl
        -H worker.example -I 127.0.0.2 -p PORT -u /health?vhost     # 0 # both
        -H 127.0.0.2 -p PORT -u /health -4                          # 0 # both
        -H 127.0.0.2 -p PORT -u /health -6                          # 2 # both
        -H 127.0.0.2 -p 1 -u /health                                # 2 # both
        -H 127.0.0.2 -p PORT -u /slow -t 1                          # 2 # both
        -H 127.0.0.2 -p PORT -u /health -w 0.000001                 # 1 # both
        -H 127.0.0.2 -p PORT -u /health -c 0.000001                 # 2 # both
        -H 127.0.0.2 -p PORT -u /health -s pass                     # 0 # both
        -H 127.0.0.2 -p PORT -u /health -s absent                   # 2 # both
        -H 127.0.0.2 -p PORT -u /health -r pa.s                     # 0 # both
        -H 127.0.0.2 -p PORT -u /health -r ^nothing$                # 2 # both
        -H 127.0.0.2 -p PORT -u /missing                            # 1 # both
        -H 127.0.0.2 -p PORT -u /moved -f follow                    # 0 # http
        -H 127.0.0.2 -p PORT -u /moved -f critical                  # 2 # both
        -H 127.0.0.2 -p PORT -u /moved -f warning                   # 1 # both
        --extra-opts=worker1@INI -u /health                         # 0 # both
        --extra-opts=nosuch@INI -u /health                          # 3 # both
        --extra-opts=@/nonexistent.ini -u /health                   # 3 # both
        -H 127.0.0.2 -p PORT -t 0                                   # 3 # none
        -H 127.0.0.2 -p PORT -4 -6                                  # 3 # none
        -V                                                          # 3 # http
        -h                                                          # 3 # http
        """)
    void theSameCommandLineGivesTheSameState(String line, int expected, String peers) throws Exception {
        List<String> args = arguments(line);
        assertEquals(expected, checkWorker(args), "check_worker " + args);
        if ((peers.equals("both") || peers.equals("http")) && Files.isExecutable(PLUGINS.resolve("check_http"))) {
            assertEquals(expected, peer("check_http", args), "check_http " + args);
        }
        if ((peers.equals("both") || peers.equals("curl")) && Files.isExecutable(PLUGINS.resolve("check_curl"))) {
            assertEquals(expected, peer("check_curl", args), "check_curl " + args);
        }
        if (line.contains("?vhost")) {
            assertEquals("worker.example:" + port, HOSTS_SEEN.get("vhost"), "-H is the virtual host, -I the address");
        }
    }

    private static List<String> arguments(String line) {
        List<String> args = new ArrayList<>();
        for (String word : line.strip().split("\\s+")) {
            if (!word.isEmpty()) {
                args.add(word.replace("PORT", port).replace("INI", dir.resolve("plugins.ini").toString()));
            }
        }
        return args;
    }

    private static int checkWorker(List<String> args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CheckWorker(InstantSource.system(), dir).run(args.toArray(String[]::new),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String first = bytes.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
        assertTrue(code == 3 || first.startsWith("WORKER "), first);
        return code;
    }

    private static int peer(String plugin, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PLUGINS.resolve(plugin).toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
        builder.environment().remove("MP_CONFIG_FILE");
        builder.environment().remove("NAGIOS_CONFIG_PATH");
        Process p = builder.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), plugin + " did not end");
        return p.exitValue();
    }
}
