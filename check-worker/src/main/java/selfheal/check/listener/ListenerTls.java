package selfheal.check.listener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import selfheal.plugin.UsageException;

/**
 * check_listener's side of the listener's mutual TLS: this monitoring server's client certificate and key
 * (PEM; the key unencrypted PKCS#8, as scripts/selfheal-certs writes it), and the CA the listener's
 * certificate must chain to. TLS 1.3 or 1.2 only; the listener's certificate must name the host given with
 * -H (a DNS SAN for a name, an IP SAN for an address), as an HTTPS client demands.
 */
final class ListenerTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLSocketFactory factory;

    private ListenerTls(SSLSocketFactory factory) {
        this.factory = factory;
    }

    /** From the three files; a usage error names the file that could not be used and why. */
    static ListenerTls of(Path cert, Path key, Path ca) throws UsageException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey(key), new char[0],
                    certificates("--client-cert", cert).toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate c : certificates("--ca-file", ca)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new ListenerTls(context.getSocketFactory());
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("cannot set up TLS: " + selfheal.plugin.Plugin.describe(e));
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

    private static List<X509Certificate> certificates(String option, Path pem) throws UsageException {
        List<X509Certificate> list = new ArrayList<>();
        try {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(Files.readAllBytes(pem)));
            for (Certificate c : all) {
                list.add((X509Certificate) c);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("cannot read " + option + " " + pem + ": " + selfheal.plugin.Plugin.describe(e));
        }
        if (list.isEmpty()) {
            throw new UsageException(option + " " + pem + " holds no certificate");
        }
        return list;
    }

    private static PrivateKey privateKey(Path pem) throws UsageException {
        try {
            String text = Files.readString(pem, StandardCharsets.US_ASCII);
            int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
            int end = text.indexOf("-----END PRIVATE KEY-----");
            if (begin < 0 || end < begin) {
                throw new UsageException("--client-key " + pem + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY);"
                        + " convert it with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
            }
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(
                    Base64.getMimeDecoder().decode(text.substring(begin + 27, end)));
            for (String algorithm : new String[] {"EC", "RSA"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (GeneralSecurityException e) {
                    // try the next
                }
            }
            throw new UsageException("--client-key " + pem + " is neither an EC nor an RSA key");
        } catch (IOException e) {
            throw new UsageException("cannot read --client-key " + pem + ": " + selfheal.plugin.Plugin.describe(e));
        }
    }
}
