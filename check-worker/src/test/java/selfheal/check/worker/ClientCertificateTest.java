package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
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
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import selfheal.plugin.Pem;

/**
 * -J/-K against a real HttpsServer that requires a client certificate, with keys from scripts/selfheal-certs;
 * Debian's check_http given the same options must agree on the state.
 */
class ClientCertificateTest {

    @TempDir
    static Path dir;
    static TestEndpoint endpoint;
    static String port;

    @BeforeAll
    static void start() throws Exception {
        Path certs = Path.of("..", "scripts", "selfheal-certs").toAbsolutePath();
        for (List<String> step : List.of(List.of("ca"), List.of("server", "localhost", "127.0.0.1"), List.of("client", "nagios1"))) {
            List<String> command = new ArrayList<>(List.of(certs.toString(), "-d", dir.toString()));
            command.addAll(step);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "selfheal-certs " + step + ": " + out);
        }
        SSLContext context = Pem.clientContext(Pem.privateKey(dir.resolve("server/localhost.key")),
                Pem.certificates(dir.resolve("server/localhost.crt")), Pem.certificates(dir.resolve("ca.crt")));
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        endpoint = new TestEndpoint(server).route("/health", 200, "application/health+json", CheckWorkerTest.HEALTH_PASS);
        port = String.valueOf(endpoint.port());
    }

    @AfterAll
    static void stop() {
        endpoint.close();
    }

    private static int checkWorker(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CheckWorker(InstantSource.system(), dir).run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        System.out.println("check_worker " + String.join(" ", args) + ": " + bytes.toString(StandardCharsets.UTF_8).lines().findFirst().orElse(""));
        return code;
    }

    private static int checkHttp(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/lib/nagios/plugins/check_http"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @Test
    void withTheClientCertificateItIsLetInWithoutItTheHandshakeFails() throws Exception {
        assertEquals(0, checkWorker("-H", "localhost", "-p", port, "--ca-file", "ca.crt", "-J", "client/nagios1.crt",
                "-K", "client/nagios1.key"));
        assertEquals(2, checkWorker("-H", "localhost", "-p", port, "--ca-file", "ca.crt"));
        if (Files.isExecutable(Path.of("/usr/lib/nagios/plugins/check_http"))) {
            assertEquals(0, checkHttp("-H", "localhost", "-p", port, "-S", "-u", "/health", "-J", "client/nagios1.crt",
                    "-K", "client/nagios1.key"));
            // Without one, check_http 2.3.3 dies of SIGPIPE (exit 141) rather than say CRITICAL: not compared.
        }
    }

    @Test
    void oneWithoutTheOtherIsAUsageError() {
        assertEquals(3, checkWorker("-H", "localhost", "-p", port, "-J", "client/nagios1.crt"));
        assertEquals(3, checkWorker("-H", "localhost", "-p", port, "-J", "client/nagios1.crt", "-K", "client/missing.key"));
    }
}
