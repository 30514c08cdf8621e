package selfheal.heal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * What the listener speaks TLS with, read from {@code tls.cert}, {@code tls.key} and {@code tls.client-ca} each
 * time the configuration is (every connection), so that a renewed certificate is used without a restart.
 *
 * @param chain     the listener's certificate, then any intermediates
 * @param key       its private key
 * @param clientCas the certificates a client's certificate must chain up to
 */
record TlsFiles(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas) {
    static final String CERT = "tls.cert";
    static final String KEY = "tls.key";
    static final String CLIENT_CA = "tls.client-ca";
    private static final int GROUP_OR_OTHERS = 0077;

    TlsFiles {
        chain = List.copyOf(chain);
        clientCas = List.copyOf(clientCas);
    }

    /**
     * The three files, if any of the keys is set (then all three must be), else null; every problem is added
     * to {@code problems}, one message each.
     */
    static TlsFiles load(Map<String, String> values, List<String> problems) {
        String cert = values.get(CERT);
        String key = values.get(KEY);
        String ca = values.get(CLIENT_CA);
        if (cert == null && key == null && ca == null) {
            return null;
        }
        int before = problems.size();
        for (String k : new String[] {CERT, KEY, CLIENT_CA}) {
            if (values.get(k) == null) {
                problems.add(k + ": missing; " + CERT + ", " + KEY + " and " + CLIENT_CA + " are set together");
            }
        }
        if (problems.size() > before) {
            return null;
        }
        List<X509Certificate> chain = certificates(CERT, cert, problems);
        PrivateKey privateKey = privateKey(key, problems);
        List<X509Certificate> clientCas = certificates(CLIENT_CA, ca, problems);
        if (problems.size() > before) {
            return null;
        }
        X509Certificate leaf = chain.get(0);
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            problems.add(CERT + ": " + cert + " is valid only from " + leaf.getNotBefore() + " to "
                    + leaf.getNotAfter());
        }
        if (!matches(privateKey, leaf)) {
            problems.add(KEY + ": " + key + " is not the key of the certificate in " + cert);
        }
        return problems.size() > before ? null : new TlsFiles(chain, privateKey, clientCas);
    }

    private static List<X509Certificate> certificates(String name, String value, List<String> problems) {
        try {
            return selfheal.plugin.Pem.certificates(Path.of(value));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            problems.add(name + ": " + value + " cannot be read as PEM certificates: " + e.getMessage());
            return List.of();
        }
    }

    /** The key, which no one but its owner may read: whoever can read it can pose as this listener. */
    private static PrivateKey privateKey(String value, List<String> problems) {
        Path path = Path.of(value);
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            if ((mode & GROUP_OR_OTHERS) != 0) {
                problems.add(KEY + ": " + value + " is open to group or others (mode "
                        + Integer.toOctalString(mode & 07777) + "); make it 0600");
                return null;
            }
            return selfheal.plugin.Pem.privateKey(path);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            problems.add(KEY + ": " + value + " cannot be read as a PEM private key: " + e.getMessage());
            return null;
        }
    }

    /** Whether {@code key} signs what {@code certificate}'s public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        try {
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = {1, 2, 3};
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
