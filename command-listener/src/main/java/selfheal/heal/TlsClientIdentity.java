package selfheal.heal;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who a client is, by the certificate it proved it holds: its subject CN and its DNS subject alternative
 * names. Named in the audit log by the first of them.
 *
 * @param names the CN first (if any), then each DNS SAN; never empty
 */
record TlsClientIdentity(List<String> names) {
    private static final int DNS_NAME = 2;

    TlsClientIdentity {
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a client identity has at least one name");
        }
    }

    /** The identity in {@code certificate}, or null if it names none (no CN, no DNS SAN). */
    static TlsClientIdentity of(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            // no CN to be had; the SANs may still name it
        }
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> san : alternatives) {
                    if (Integer.valueOf(DNS_NAME).equals(san.get(0)) && !names.contains(san.get(1))) {
                        names.add(san.get(1).toString());
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // the CN alone, then
        }
        return names.isEmpty() ? null : new TlsClientIdentity(names);
    }

    /** How the audit log names it: the CN, or the first DNS SAN; quoted if it holds anything but a plain name. */
    String label() {
        String name = names.get(0);
        return name.matches("[A-Za-z0-9._:-]+") ? name : AuditLog.quote(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
