package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs launcher/test-launch, the shell tests of launch.sh and make-archives (archives used when they match,
 * a replaced jar never runs old classes, stale or corrupt archives silent), so that `mvn verify` runs them.
 */
class LaunchScriptIT {

    @Test
    void theLauncherShellTestsPass() throws Exception {
        Path script = Path.of("..", "launcher", "test-launch").toAbsolutePath().normalize();
        Path log = Files.createTempFile("test-launch", ".log");
        Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertTrue(finished, "test-launch did not finish in 300 s:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.matches("(?s).*test-launch: [1-9][0-9]* passed, 0 failed\\s*"), output);
    }
}
