package selfheal.heal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM files with the JDK alone: certificates (one or more {@code CERTIFICATE} blocks) and an unencrypted
 * PKCS#8 private key ({@code PRIVATE KEY}, EC or RSA), as {@code scripts/selfheal-certs} writes them. A key in
 * another form is refused with the openssl command that converts it.
 */
final class TlsPem {
    private TlsPem() {
    }

    /** Every certificate in {@code file}, in order; at least one. */
    static List<X509Certificate> certificates(Path file) throws IOException, CertificateException {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        try (ByteArrayInputStream in = new ByteArrayInputStream(Files.readAllBytes(file))) {
            for (java.security.cert.Certificate c : factory.generateCertificates(in)) {
                certificates.add((X509Certificate) c);
            }
        }
        if (certificates.isEmpty()) {
            throw new CertificateException("no -----BEGIN CERTIFICATE----- block in it");
        }
        return certificates;
    }

    /** The private key of {@code file}, which must hold one {@code -----BEGIN PRIVATE KEY-----} block. */
    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN EC PRIVATE KEY-----") || text.contains("-----BEGIN RSA PRIVATE KEY-----")
                || text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new GeneralSecurityException("not an unencrypted PKCS#8 key; convert it with: openssl pkcs8"
                    + " -topk8 -nocrypt -in OLD -out NEW");
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException("no -----BEGIN PRIVATE KEY----- block in it");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("neither an EC nor an RSA key", last);
    }
}
