package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Scenarios 1 and 2 again over mutual TLS, with two hosts on loopback: foo and xinetd's listener on the
 * worker host 127.0.0.2, Nagios' checks and event handler connecting from the Nagios server 127.0.0.3 with
 * its client certificate (keys from scripts/selfheal-certs). The loop heals as it does in plaintext.
 */
class TlsKillAndHangIT extends KillAndHangIT {

    @Override
    Map<String, String> settings() {
        return Map.of("STACK_TLS", "yes");
    }

    @Test
    @Order(3)
    void everyRequestCameOverTlsFromTheNagiosServerWithItsCertificate() throws Exception {
        List<String> audit = Files.readAllLines(Path.of(stack().env("AUDIT_LOG")));
        long restarts = audit.stream().filter(line -> line.contains(" peer=127.0.0.3 client=nagios-server "
                + "request=\"foo-restart\" decision=ok command=foo-restart")).count();
        assertTrue(restarts >= 2, "a restart per scenario, over TLS:\n" + String.join("\n", audit));
        assertTrue(audit.stream().anyMatch(line -> line.contains(" peer=127.0.0.3 client=nagios-server"
                + " request=\"ping\" decision=ok")), "check_listener pinged over TLS:\n" + String.join("\n", audit));
        assertTrue(audit.stream().allMatch(line -> line.contains(" peer=127.0.0.3 client=nagios-server ")),
                "every request from the Nagios server with its certificate:\n" + String.join("\n", audit));
    }
}
