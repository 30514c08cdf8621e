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
 * a replaced jar never runs old classes, stale or corrupt archives silent), and scripts/lint-shell,
 * shellcheck on every shell script git tracks (shellcheck comes from scripts/install-deps), so that
 * `mvn verify` runs them.
 */
class LaunchScriptIT {

    @Test
    void theLauncherShellTestsPass() throws Exception {
        String output = runToTheEnd(Path.of("..", "launcher", "test-launch"), 300);
        assertTrue(output.matches("(?s).*test-launch: [1-9][0-9]* passed, 0 failed\\s*"), output);
    }

    @Test
    void shellcheckFindsNothingInTheShellScripts() throws Exception {
        String output = runToTheEnd(Path.of("..", "scripts", "lint-shell"), 120);
        assertTrue(output.matches("(?s)lint-shell: [1-9][0-9]* scripts, shellcheck \\S+: no findings\\s*"), output);
    }

    /** Runs the script, asserts that it ends within the time given with exit status 0, returns its output. */
    private static String runToTheEnd(Path relative, int seconds) throws Exception {
        Path script = relative.toAbsolutePath().normalize();
        Path log = Files.createTempFile(script.getFileName().toString(), ".log");
        Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertTrue(finished, script.getFileName() + " did not finish in " + seconds + " s:\n" + output);
        assertEquals(0, p.exitValue(), output);
        return output;
    }
}
