package selfheal.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The suite against Debian's xinetd running the shipped xinetd.d/selfheal-resident ({@code wait = yes}): one
 * listener process accepts the connections itself, so only its own allow list refuses 127.0.0.2.
 */
class ResidentXinetdIT extends XinetdIT {
    static final Path SHIPPED_RESIDENT = Path.of("../xinetd.d/selfheal-resident").toAbsolutePath().normalize();
    private static final Pattern PID = Pattern.compile("pid=(\\d+) ");

    @Override
    void startStack() throws Exception {
        Files.writeString(config, Files.readString(config) + "resident.idle = 3\n");
        startXinetd(service("selfheal", SHIPPED_RESIDENT, port, Map.of("cps", "500 1")), 1);
    }

    @Override
    int programOnlyPort() {
        return port;
    }

    @Override
    boolean launcherFiltersPeers() {
        return false;
    }

    @Override
    boolean readsBeforeRefusing() {
        return false;
    }

    /** One process answers a burst; after resident.idle xinetd starts a fresh one for the next connection. */
    @Test
    void oneProcessServesABurstAndAFreshOneFollowsAnIdlePeriod() throws Exception {
        int before = lines(audit);
        for (int i = 0; i < 5; i++) {
            assertEquals("OK pong\n", exchange("ping\n"));
        }
        var burst = Files.readAllLines(audit).subList(before, before + 5);
        String first = pid(burst.get(0));
        for (String line : burst) {
            assertEquals(first, pid(line), "the burst was served by one process: " + burst);
        }
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ProcessHandle.of(Long.parseLong(first)).map(ProcessHandle::isAlive).orElse(false)) {
            assertTrue(System.nanoTime() < end, "process " + first + " still alive 20 s after its burst");
            Thread.sleep(50);
        }
        assertEquals("OK pong\n", nc("ping\n"));
        var after = Files.readAllLines(audit);
        assertTrue(!pid(after.get(after.size() - 1)).equals(first), "a new process after the idle exit");
    }

    private static String pid(String auditLine) {
        Matcher m = PID.matcher(auditLine);
        assertTrue(m.find(), auditLine);
        return m.group(1);
    }
}
