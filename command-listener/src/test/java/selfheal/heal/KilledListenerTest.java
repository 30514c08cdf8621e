package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener process killed with SIGKILL in the middle of a restart: the script, in a session of its own,
 * runs on, and its group stays locked until it has ended; the killed request's intent is in the audit log.
 */
class KilledListenerTest {
    @TempDir
    Path tmp;
    ListenerFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
        fx.set("command.foo-restart.args", fx.marker + " 3").set("command.foo-restart.budget", "5/15m");
    }

    @Test
    void aRestartOutlivingItsKilledListenerKeepsItsGroupBusyUntilItEndsAndIsCountedOnce() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process listener = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CommandListener.class.getName(), "--config", fx.config.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        listener.getOutputStream().write("foo-restart\n".getBytes(StandardCharsets.US_ASCII));
        listener.getOutputStream().close();
        CommandListenerTest.waitFor(() -> fx.runs().size() == 1);
        Thread.sleep(1000);
        listener.destroyForcibly(); // SIGKILL
        assertTrue(listener.waitFor(5, TimeUnit.SECONDS));

        int busy = 0;
        while (fx.runs().size() < 2) {
            assertEquals("ERR busy foo-restart\n", fx.serve("foo-restart\n"), "while the first restart runs");
            busy++;
            Thread.sleep(100);
        }
        assertTrue(busy > 0);
        CommandListenerTest.waitFor(() -> fx.serve("foo-restart\n").startsWith("OK foo-restart "));
        List<String> runs = fx.runs();
        assertEquals(4, runs.size(), runs.toString());
        assertTrue(runs.get(1).startsWith("end ") && runs.get(2).startsWith("start "), "never overlapped: " + runs);
        assertEquals(2, Files.readAllLines(fx.stateDir.resolve("foo-restart.runs")).size(),
                "each run counted once, the busy requests not at all");
        List<String> audit = fx.audit();
        String killed = "pid=" + listener.pid() + " ";
        assertTrue(audit.stream().anyMatch(l -> l.contains(killed) && l.contains(" phase=intent ")),
                String.join("\n", audit));
        assertFalse(audit.stream().anyMatch(l -> l.contains(killed) && l.contains(" phase=outcome ")),
                String.join("\n", audit));
    }
}
