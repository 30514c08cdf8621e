package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs scripts/lint-shell, shellcheck on every shell script git tracks (the launchers, make-archives,
 * install.sh, uninstall, the event handler, foo's scripts, the stack, bench), so that `mvn verify` fails on
 * any finding. shellcheck comes from scripts/install-deps.
 */
class ShellLintIT {

    @Test
    void shellcheckFindsNothingInTheShellScripts() throws Exception {
        Path script = Path.of("..", "scripts", "lint-shell").toAbsolutePath().normalize();
        Path log = Files.createTempFile("lint-shell", ".log");
        Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertTrue(finished, "lint-shell did not finish in 120 s:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.matches("(?s)lint-shell: [1-9][0-9]* scripts, shellcheck \\S+: no findings\\s*"), output);
    }
}
