package selfheal.check.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import selfheal.plugin.Pem;
import selfheal.plugin.UsageException;

/**
 * check_listener's side of the listener's mutual TLS: this monitoring server's client certificate and key
 * (PEM; the key unencrypted PKCS#8, as scripts/selfheal-certs writes it), and the CA the listener's
 * certificate must chain to. TLS 1.3 or 1.2 only; the listener's certificate must name the host given with
 * -H (a DNS SAN for a name, an IP SAN for an address), as an HTTPS client demands.
 */
public final class ListenerTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLSocketFactory factory;

    private ListenerTls(SSLSocketFactory factory) {
        this.factory = factory;
    }

    /** From the three files; a usage error names the file that could not be used and why. */
    static ListenerTls of(Path cert, Path key, Path ca) throws UsageException {
        PrivateKey privateKey = read("--client-key", key, () -> Pem.privateKey(key));
        List<X509Certificate> chain = read("--client-cert", cert, () -> Pem.certificates(cert));
        List<X509Certificate> trusted = read("--ca-file", ca, () -> Pem.certificates(ca));
        try {
            return new ListenerTls(Pem.clientContext(privateKey, chain, trusted).getSocketFactory());
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("cannot set up TLS: " + selfheal.plugin.Plugin.describe(e));
        }
    }

    /** One PEM file's contents, its failure a usage error naming the option and the file. */
    private interface Reading<T> {
        T read() throws IOException, GeneralSecurityException;
    }

    private static <T> T read(String option, Path file, Reading<T> reading) throws UsageException {
        try {
            return reading.read();
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("cannot read " + option + " " + file + ": " + selfheal.plugin.Plugin.describe(e));
        }
    }

    /** TLS over the connected {@code socket} to {@code host}; the handshake is left to the first read or write. */
    SSLSocket over(java.net.Socket socket, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, host, port, true);
        tls.setEnabledProtocols(PROTOCOLS);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        return tls;
    }
}
