package selfheal.heal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Keys and certificates for a test, made by the shipped scripts/selfheal-certs (so a broken script fails the
 * tests), plus what that script never makes: an expired client certificate (openssl ca with fixed dates).
 * Also a TLS client that binds its source address, so that one machine plays several hosts.
 */
final class TestPki {
    static final Path SELFHEAL_CERTS = Path.of("../scripts/selfheal-certs").toAbsolutePath().normalize();

    final Path dir;

    TestPki(Path dir) {
        this.dir = dir;
    }

    /** A fresh CA in {@code dir}. */
    static TestPki create(Path dir) throws Exception {
        run(List.of(SELFHEAL_CERTS.toString(), "-d", dir.toString(), "ca"), dir.getParent());
        return new TestPki(dir);
    }

    Path caCert() {
        return dir.resolve("ca.crt");
    }

    Path serverCert(String host) {
        return dir.resolve("server/" + host + ".crt");
    }

    Path serverKey(String host) {
        return dir.resolve("server/" + host + ".key");
    }

    Path clientCert(String name) {
        return dir.resolve("client/" + name + ".crt");
    }

    Path clientKey(String name) {
        return dir.resolve("client/" + name + ".key");
    }

    TestPki server(String host, String... names) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(SELFHEAL_CERTS.toString(), "-d", dir.toString(), "server",
                host));
        command.addAll(List.of(names));
        run(command, dir);
        return this;
    }

    TestPki client(String name) throws Exception {
        run(List.of(SELFHEAL_CERTS.toString(), "-d", dir.toString(), "client", name), dir);
        return this;
    }

    /** A client certificate for {@code name} from this CA that expired in 2020. */
    TestPki expiredClient(String name) throws Exception {
        Path ca = Files.createDirectories(dir.resolve("expired-ca"));
        Files.writeString(ca.resolve("index.txt"), "");
        Files.writeString(ca.resolve("serial"), "01\n");
        Files.writeString(ca.resolve("ca.cnf"), String.join("\n", "[ca]", "default_ca = d", "[d]",
                "database = " + ca.resolve("index.txt"), "new_certs_dir = " + ca, "serial = " + ca.resolve("serial"),
                "certificate = " + caCert(), "private_key = " + dir.resolve("ca.key"), "default_md = sha256",
                "policy = p", "x509_extensions = e", "[p]", "commonName = supplied", "[e]",
                "basicConstraints = critical, CA:FALSE", "extendedKeyUsage = clientAuth",
                "subjectAltName = DNS:" + name, ""));
        Path client = Files.createDirectories(dir.resolve("client"));
        Path key = clientKey(name);
        run(List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                key.toString()), dir);
        Path csr = client.resolve(name + ".csr");
        run(List.of("openssl", "req", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-out",
                csr.toString()), dir);
        run(List.of("openssl", "ca", "-batch", "-config", ca.resolve("ca.cnf").toString(), "-startdate",
                "20200101000000Z", "-enddate", "20200102000000Z", "-in", csr.toString(), "-out",
                clientCert(name).toString(), "-notext"), dir);
        return this;
    }

    private static void run(List<String> command, Path where) throws Exception {
        Process p = new ProcessBuilder(command).directory(where.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + output);
        }
    }

    /**
     * A TLS 1.2/1.3 client from {@code source} to {@code host:port} that trusts {@code trusted} and shows the
     * certificate {@code name} of {@code from} (null: none); the listener's host name is verified.
     */
    static SSLSocket connect(InetAddress source, String host, int port, Path trusted, TestPki from, String name)
            throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", selfheal.plugin.Pem.certificates(trusted).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManager[] keys = null;
        if (name != null) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", selfheal.plugin.Pem.privateKey(from.clientKey(name)), new char[0],
                    selfheal.plugin.Pem.certificates(from.clientCert(name)).toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, new char[0]);
            keys = kmf.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, tmf.getTrustManagers(), null);
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(source, 0));
        plain.connect(new InetSocketAddress(host, port), 5000);
        plain.setSoTimeout(15000);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        return tls;
    }
}
