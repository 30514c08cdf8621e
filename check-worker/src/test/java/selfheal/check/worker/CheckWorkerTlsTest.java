package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** -S against a real HttpsServer whose self-signed certificate keytool makes at test time. */
class CheckWorkerTlsTest {

    @TempDir
    static Path dir;
    static TestEndpoint endpoint;
    static Path caPem;
    static final Set<String> SNI_SEEN = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:worker.selfheal.test,dns:localhost,ip:127.0.0.1",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "server", "-file", caPem.toString(),
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setSNIMatchers(List.of(new SNIMatcher(0) { // records the names clients send
                    @Override
                    public boolean matches(SNIServerName name) {
                        SNI_SEEN.add(((SNIHostName) name).getAsciiName());
                        return true;
                    }
                }));
                params.setSSLParameters(p);
            }
        });
        endpoint = new TestEndpoint(server).route("/health", 200, "application/health+json", CheckWorkerTest.HEALTH_PASS);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + output);
    }

    @AfterAll
    static void stop() {
        endpoint.close();
    }

    private static String run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CheckWorker(CheckWorkerTest.CLOCK).run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return code + " " + bytes.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("")
                .replaceAll(" in [0-9.]+ s", " in T s").replaceAll("'time'=[0-9.]+s;;;0;10 'size'=[0-9]+B;;;0", "'time'=Ts;;;0");
    }

    @Test
    void trustsTheCaFileAndSendsTheHostNameAsSni() {
        String port = String.valueOf(endpoint.port());
        assertEquals("0 WORKER OK - health+json pass, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0",
                run("-S", "-H", "worker.selfheal.test", "-p", port, "--ca-file", caPem.toString()));
        assertTrue(SNI_SEEN.contains("worker.selfheal.test"), SNI_SEEN.toString());
        assertEquals("0 WORKER OK - health+json pass, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0",
                run("-S", "-H", "127.0.0.1", "-p", port, "--ca-file", caPem.toString()));
    }

    @Test
    void anUntrustedCertificateIsCriticalNamingTls() {
        String out = run("-S", "-H", "localhost", "-p", String.valueOf(endpoint.port()));
        assertTrue(out.startsWith("2 WORKER CRITICAL - TLS failure with localhost:" + endpoint.port() + ": "), out);
        assertTrue(out.contains("certification path"), out);
    }

    @Test
    void sendsSniForANameWithoutDotsToo() {
        assertEquals("0 WORKER OK - health+json pass, 2 checks, HTTP 200 OK in T s | 'time'=Ts;;;0",
                run("-S", "-H", "localhost", "-p", String.valueOf(endpoint.port()), "--ca-file", caPem.toString()));
        assertTrue(SNI_SEEN.contains("localhost"), SNI_SEEN.toString());
    }

    @Test
    void aTrustedCertificateForAnotherNameFailsHostNameVerification() {
        String out = run("-S", "-H", "mismatch.selfheal.test", "-p", String.valueOf(endpoint.port()), "--ca-file", caPem.toString());
        assertTrue(out.startsWith("2 WORKER CRITICAL - TLS failure with mismatch.selfheal.test:" + endpoint.port() + ": "), out);
        assertTrue(out.contains("mismatch.selfheal.test"), out);
    }

    @Test
    void plainHttpToATlsPortIsCritical() {
        String out = run("-H", "127.0.0.1", "-p", String.valueOf(endpoint.port()), "-t", "3");
        assertTrue(out.startsWith("2 WORKER CRITICAL - "), out);
    }

    @Test
    void aMissingCaFileIsAUsageError() {
        assertEquals("3 WORKER UNKNOWN - usage: cannot read --ca-file /nonexistent.pem: NoSuchFileException: /nonexistent.pem (see check_worker --help)",
                run("-S", "-H", "localhost", "--ca-file", "/nonexistent.pem"));
    }

    /** -C as check_http counts it (its certificate is made for 2 days: 1 whole day left), the document still checked. */
    @Test
    void certificateDaysAreJudgedAsCheckHttpJudgesThem() throws Exception {
        String port = String.valueOf(endpoint.port());
        Path checkHttp = Path.of("/usr/lib/nagios/plugins/check_http");
        for (String[] row : new String[][] {{"30", "1"}, {"30,5", "2"}, {"1", "1"}, {"0", "0"}}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int code = new CheckWorker(java.time.InstantSource.system(), Path.of("")).run(new String[] {"-H", "localhost",
                "-p", port, "--ca-file", caPem.toString(), "-C", row[0]}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String out = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(Integer.parseInt(row[1]), code, "-C " + row[0] + ": " + out);
            assertTrue(code == 0 || out.contains("certificate expires in 1 days ("), out);
            assertTrue(out.contains("health+json pass"), "the document is checked too: " + out);
            if (Files.isExecutable(checkHttp)) {
                Process p = new ProcessBuilder(checkHttp.toString(), "-H", "localhost", "-p", port, "-C", row[0])
                        .redirectErrorStream(true).start();
                String peer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                assertEquals(Integer.parseInt(row[1]), p.exitValue(), "check_http -C " + row[0] + ": " + peer);
            }
        }
    }
}
