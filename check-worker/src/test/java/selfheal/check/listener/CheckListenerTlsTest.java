package selfheal.check.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check_listener over TLS against a real TLS server on 127.0.0.2 (port 0) that demands a client certificate
 * from its CA and answers {@code OK pong}, with keys made by the shipped scripts/selfheal-certs.
 */
class CheckListenerTlsTest {
    private static final Path SELFHEAL_CERTS = Path.of("../scripts/selfheal-certs").toAbsolutePath().normalize();

    @TempDir
    static Path pki;

    private SSLServerSocket server;
    private Thread acceptor;
    private final List<String> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void makeKeys() throws Exception {
        selfhealCerts("ca");
        selfhealCerts("server", "worker1", "127.0.0.2");
        selfhealCerts("server", "elsewhere", "127.0.0.9");
        selfhealCerts("client", "nagios1");
    }

    private static void selfhealCerts(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SELFHEAL_CERTS.toString(), "-d", pki.resolve("tls").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, output);
    }

    private static Path file(String name) {
        return pki.resolve("tls").resolve(name);
    }

    /** A one-connection TLS server with the certificate of {@code host}, requiring a client certificate. */
    private int listen(String host) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        String pem = Files.readString(file("server/" + host + ".key"));
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
                pem.indexOf("-----END PRIVATE KEY-----")));
        keys.setKeyEntry("server", KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der)),
                new char[0], new X509Certificate[] {certificate(file("server/" + host + ".crt"))});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(file("ca.crt")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.setNeedClientAuth(true);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
        acceptor = new Thread(() -> {
            try (SSLSocket client = (SSLSocket) server.accept()) {
                client.startHandshake();
                clients.add(((X509Certificate) client.getSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName());
                InputStream in = client.getInputStream();
                while (in.read() != '\n') {
                    // the request line
                }
                client.getOutputStream().write("OK pong\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the check hung up on a certificate it refused: expected in some tests
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return server.getLocalPort();
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            acceptor.join(2_000);
        }
    }

    private static String[] tls(int port, String... more) {
        List<String> args = new ArrayList<>(List.of("-H", "127.0.0.2", "-p", String.valueOf(port), "-t", "5",
                "--client-cert", file("client/nagios1.crt").toString(), "--client-key",
                file("client/nagios1.key").toString(), "--ca-file", file("ca.crt").toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static String[] run(int[] code, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        code[0] = new CheckListener().run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new String[] {bytes.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("")};
    }

    @Test
    void aListenerWhoseCertificateNamesTheHostIsPingedWithTheClientCertificate() throws Exception {
        int[] code = new int[1];
        String line = run(code, tls(listen("worker1")))[0];
        assertEquals(0, code[0], line);
        assertTrue(line.startsWith("LISTENER OK - pong from 127.0.0.2:"), line);
        assertEquals(List.of("CN=nagios1"), clients);
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsCritical() throws Exception {
        int[] code = new int[1];
        String line = run(code, tls(listen("elsewhere")))[0];
        assertEquals(2, code[0], line);
        assertTrue(line.startsWith("LISTENER CRITICAL - TLS with 127.0.0.2:") && line.contains("127.0.0.2"), line);
        assertEquals(List.of(), clients);
    }

    @Test
    void certDaysWarnsAndCriticalsOnTheDaysLeftAsCheckHttpDoes() throws Exception {
        int[] code = new int[1];
        // selfheal-certs gives leaves 825 days: 824 whole days are left
        String line = run(code, tls(listen("worker1"), "--cert-days", "824"))[0];
        assertEquals(0, code[0], line);
        stop();
        line = run(code, tls(listen("worker1"), "--cert-days", "825"))[0];
        assertEquals(1, code[0], line);
        assertTrue(line.startsWith("LISTENER WARNING - pong from 127.0.0.2:")
                && line.contains(", certificate 'CN=worker1' expires in 824 days ("), line);
        stop();
        line = run(code, tls(listen("worker1"), "--cert-days", "900,825"))[0];
        assertEquals(2, code[0], line);
        assertTrue(line.startsWith("LISTENER CRITICAL - pong from 127.0.0.2:")
                && line.contains(", certificate 'CN=worker1' expires in 824 days ("), line);
    }

    @Test
    void certDaysWithoutTlsIsAUsageError() {
        int[] code = new int[1];
        String line = run(code, "-H", "127.0.0.2", "--cert-days", "30")[0];
        assertEquals(3, code[0], line);
        assertTrue(line.contains("--cert-days needs TLS"), line);
    }
}
