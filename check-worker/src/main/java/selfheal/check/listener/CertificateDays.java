package selfheal.check.listener;

import java.time.Duration;
import java.time.Instant;
import selfheal.plugin.Status;
import selfheal.plugin.UsageException;

/**
 * {@code --cert-days WARN[,CRIT]}, as check_http's {@code -C}: WARNING when the listener's certificate expires
 * in fewer than WARN days, CRITICAL in fewer than CRIT (default 0: only once it has expired, which fails
 * the handshake anyway).
 */
record CertificateDays(int warn, int crit) {

    CertificateDays {
        if (warn < 0 || crit < 0 || crit > warn) {
            throw new IllegalArgumentException("days must be whole, not negative, WARN at least CRIT");
        }
    }

    static CertificateDays parse(String text) throws UsageException {
        String[] parts = text.strip().split(",", -1);
        try {
            if (parts.length == 1) {
                return new CertificateDays(Integer.parseInt(parts[0].strip()), 0);
            }
            if (parts.length == 2) {
                return new CertificateDays(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
            }
        } catch (IllegalArgumentException e) {
            // the usage error below
        }
        throw new UsageException("bad --cert-days '" + text + "': expected WARN[,CRIT] whole days, WARN >= CRIT >= 0");
    }

    /** Whole days from {@code now} until {@code notAfter} (negative once expired). */
    static long daysLeft(Instant now, Instant notAfter) {
        return Math.floorDiv(Duration.between(now, notAfter).getSeconds(), 86_400L);
    }

    Status judge(long daysLeft) {
        if (daysLeft < crit || daysLeft < 0) {
            return Status.CRITICAL;
        }
        return daysLeft < warn ? Status.WARNING : Status.OK;
    }
}
