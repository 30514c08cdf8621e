package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Scenarios 1 and 2 again, with the listener resident (xinetd wait = yes): Nagios' event handler and
 * check_listener reach one listener process that serves them all, and it heals as the per-connection one does.
 */
class ResidentKillAndHangIT extends KillAndHangIT {
    private static final Pattern PID = Pattern.compile(" pid=(\\d+) ");

    @Override
    Map<String, String> settings() {
        return Map.of("STACK_RESIDENT", "yes");
    }

    @Test
    @Order(3)
    void oneListenerProcessServedThePingsAndTheRestarts() throws Exception {
        List<String> audit = Files.readAllLines(Path.of(stack().env("AUDIT_LOG")));
        long restarts = audit.stream().filter(line -> line.contains("decision=ok command=foo-restart")).count();
        assertTrue(restarts >= 2, "a restart per scenario:\n" + String.join("\n", audit));
        long pids = audit.stream().map(PID::matcher).filter(Matcher::find).map(m -> m.group(1)).distinct().count();
        assertTrue(pids == 1, pids + " listener processes served " + audit.size() + " requests:\n"
                + String.join("\n", audit));
    }
}
