package selfheal.check.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import selfheal.plugin.Pem;
import selfheal.plugin.UsageException;

/**
 * check_worker's TLS beyond the JDK's defaults: {@code --ca-file} (trust exactly the CA certificates in one PEM
 * file) and {@code -J/-K} (a client certificate and its unencrypted PKCS#8 key, PEM, for an endpoint that asks
 * for one), as check_http takes them.
 */
final class WorkerTls {
    private WorkerTls() {
    }

    /** The socket factory for these files, relative ones in {@code directory}; null when none is given. */
    static SSLSocketFactory socketFactory(Path caFile, Path clientCert, Path clientKey, Path directory)
            throws UsageException {
        if (caFile == null && clientCert == null) {
            return null;
        }
        List<X509Certificate> trusted = caFile == null ? null : certificates("--ca-file", directory.resolve(caFile));
        PrivateKey key = null;
        List<X509Certificate> chain = null;
        if (clientCert != null) {
            chain = certificates("--client-cert", directory.resolve(clientCert));
            Path keyFile = directory.resolve(clientKey);
            try {
                key = Pem.privateKey(keyFile);
            } catch (IOException | GeneralSecurityException e) {
                throw new UsageException("cannot read --private-key " + keyFile + ": " + selfheal.plugin.Plugin.describe(e));
            }
        }
        try {
            return Pem.clientContext(key, chain, trusted).getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(String option, Path pem) throws UsageException {
        try {
            return Pem.certificates(pem);
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("cannot read " + option + " " + pem + ": " + selfheal.plugin.Plugin.describe(e));
        }
    }
}
