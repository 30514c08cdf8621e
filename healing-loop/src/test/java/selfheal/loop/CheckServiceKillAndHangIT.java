package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Scenarios 1 and 2 again, with Nagios' checks run in the check service: the same command definitions, and a
 * Java that does not exist for any JVM of a check's own, so every check Nagios saw was answered by the service.
 */
class CheckServiceKillAndHangIT extends KillAndHangIT {

    @Override
    Map<String, String> settings() {
        return Map.of("STACK_CHECK_SERVICE", "yes");
    }

    @Test
    @Order(3)
    void theServiceAnsweredEveryCheckAndNoneFellBack() throws Exception {
        String log = Files.readString(Path.of(stack().env("CHECK_SERVICE_LOG")));
        assertTrue(log.startsWith("check-service: serving checks on 127.0.0.1:"), log);
        assertFalse(log.contains("REFUSED") || log.contains("BUSY"), log);
        String nagios = Files.readString(Path.of(stack().env("NAGIOS_LOG")));
        assertFalse(nagios.contains("out of bounds"), "a plugin fell back to a JVM of its own:\n" + nagios);
    }

    /** The other side of the proof: with the service stopped, the same checks have no Java to run on. */
    @Test
    @Order(4)
    void withTheServiceStoppedTheChecksFallBackToAJvmOfTheirOwn() {
        ProcessHandle service = ProcessHandle.of(Long.parseLong(stack().env("CHECK_SERVICE_PID")))
                .orElseThrow(() -> new AssertionError("the check service is not running:\n" + stack().diagnostics()));
        service.destroy();
        Poll.until(Duration.ofSeconds(10), "the check service to exit", () -> !service.isAlive(), stack()::diagnostics);
        Poll.until(Duration.ofSeconds(30), "check_listener to fail for want of a Java of its own",
                () -> stack().service(PrivateStack.LISTENER).output().contains("127"), stack()::diagnostics);
    }
}
