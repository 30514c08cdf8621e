package selfheal.check.listener;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import selfheal.plugin.SubCheck;
import selfheal.plugin.Status;
import selfheal.plugin.UsageException;

/**
 * check_listener's TLS options: {@code --client-cert}, {@code --client-key} and {@code --ca-file} together
 * (each {@code -} for none, so that one command definition serves listeners with and without TLS), and
 * {@code --cert-days WARN[,CRIT]} on the listener's certificate.
 *
 * @param client the TLS set-up, or null for plaintext
 * @param days   the expiry thresholds, or null
 */
public record TlsOptions(ListenerTls client, CertificateDays days) {

    static void addTo(Options options) {
        addFilesTo(options);
        options.addOption(Option.builder().longOpt("cert-days").hasArg().argName("WARN[,CRIT]")
                        .desc("TLS: WARNING when the listener's certificate expires in fewer than WARN days,"
                                + " CRITICAL in fewer than CRIT (default 0)").build());
    }

    /** --client-cert, --client-key and --ca-file: all that a client of the listener needs for TLS. */
    public static void addFilesTo(Options options) {
        options.addOption(Option.builder().longOpt("client-cert").hasArg().argName("PEM")
                        .desc("TLS: this server's client certificate; with --client-key and --ca-file (- : none)")
                        .build())
                .addOption(Option.builder().longOpt("client-key").hasArg().argName("PEM")
                        .desc("TLS: its private key, unencrypted PKCS#8 (- : none)").build())
                .addOption(Option.builder().longOpt("ca-file").hasArg().argName("PEM")
                        .desc("TLS: the CA the listener's certificate must chain to; it must name -H (- : none)")
                        .build());
    }

    public static TlsOptions from(CommandLine cmd) throws UsageException {
        String cert = given(cmd, "client-cert");
        String key = given(cmd, "client-key");
        String ca = given(cmd, "ca-file");
        ListenerTls client = null;
        if (cert != null || key != null || ca != null) {
            if (cert == null || key == null || ca == null) {
                throw new UsageException("--client-cert, --client-key and --ca-file go together");
            }
            client = ListenerTls.of(Path.of(cert), Path.of(key), Path.of(ca));
        }
        CertificateDays days = null;
        if (cmd.hasOption("cert-days")) {
            if (client == null) {
                throw new UsageException("--cert-days needs TLS: --client-cert, --client-key and --ca-file");
            }
            days = CertificateDays.parse(cmd.getOptionValue("cert-days"));
        }
        return new TlsOptions(client, days);
    }

    private static String given(CommandLine cmd, String option) {
        String value = cmd.getOptionValue(option);
        return value == null || value.strip().equals("-") || value.isBlank() ? null : value.strip();
    }

    /** The verdict on the listener's certificate: passed when there is no TLS or no --cert-days. */
    SubCheck judge(X509Certificate certificate) {
        if (certificate == null || days == null) {
            return SubCheck.passed();
        }
        Instant notAfter = certificate.getNotAfter().toInstant();
        long left = CertificateDays.daysLeft(Instant.now(), notAfter);
        Status status = days.judge(left);
        if (status == Status.OK) {
            return SubCheck.passed();
        }
        return SubCheck.of(status, "certificate '" + certificate.getSubjectX500Principal().getName() + "' expires in "
                + left + " days (" + LocalDate.ofInstant(notAfter, ZoneOffset.UTC) + ")");
    }
}
