package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bin/command-listener finds its jar and launch.sh however it is called: directly, relatively, via a symlink. */
class LauncherScriptIT {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"absolute", "relative", "symlink", "bare-name"})
    void theLauncherAnswersPingHoweverItIsCalled(String how) throws Exception {
        ListenerFixture fx = new ListenerFixture(tmp);
        Path launcher = ListenerStackIT.LAUNCHER;
        ProcessBuilder pb = switch (how) {
            case "absolute" -> new ProcessBuilder(launcher.toString());
            case "relative" -> new ProcessBuilder("bin/command-listener");
            case "symlink" -> new ProcessBuilder(
                    Files.createSymbolicLink(tmp.resolve("cl"), launcher).toString());
            default -> new ProcessBuilder("sh", "command-listener").directory(launcher.getParent().toFile());
        };
        pb.command().addAll(List.of("--config", fx.config.toString()));
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String reply = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("OK pong\n", reply);
        Files.deleteIfExists(tmp.resolve("cl")); // the link itself; @TempDir would warn about its outside target
    }
}
