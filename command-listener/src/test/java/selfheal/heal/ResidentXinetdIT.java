package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
            assertEquals("OK pong\n", withoutHeals(exchange("ping\n")));
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
        assertEquals("OK pong\n", withoutHeals(nc("ping\n")));
        var after = Files.readAllLines(audit);
        assertTrue(!pid(after.get(after.size() - 1)).equals(first), "a new process after the idle exit");
    }

    /**
     * Debian's init script stops xinetd with SIGQUIT, which leaves its servers running, and restarts it at
     * once: the resident listener must let go of the port so that the new xinetd can bind it. (SIGKILL here:
     * it leaves the servers running just the same, and a child of this JVM may not see SIGQUIT.)
     */
    @Test
    void whenXinetdIsRestartedTheResidentListenerLetsGoOfThePort() throws Exception {
        int restartPort = freePort();
        String services = service("selfheal-restart", SHIPPED_RESIDENT, restartPort, Map.of("cps", "500 1"));
        Process first = startXinetd(services, 1, "restart-1");
        assertEquals("OK pong\n", withoutHeals(exchange("ping\n".getBytes(StandardCharsets.US_ASCII), null, true, restartPort)));
        var audit1 = Files.readAllLines(audit);
        long resident = Long.parseLong(pid(audit1.get(audit1.size() - 1)));
        first.destroyForcibly();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS), "xinetd did not stop");
        // Well before its resident.idle of 3 s: it left because its xinetd did. (An orphan's zombie waits for
        // PID 1 to reap it, which can take a while in a container: that counts as gone.)
        assertTrue(CommandListenerTest.deadOrZombieWithin(resident, Duration.ofMillis(1500)),
                "the resident listener outlived its xinetd by 1.5 s");
        startXinetd(services, 1, "restart-2");
        assertEquals("OK pong\n", withoutHeals(exchange("ping\n".getBytes(StandardCharsets.US_ASCII), null, true, restartPort)));
    }

    private static String pid(String auditLine) {
        Matcher m = PID.matcher(auditLine);
        assertTrue(m.find(), auditLine);
        return m.group(1);
    }
}
