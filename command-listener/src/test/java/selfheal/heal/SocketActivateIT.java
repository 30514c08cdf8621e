package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same suite against {@code systemd-socket-activate --accept --inetd}, which sets no REMOTE_HOST. */
class SocketActivateIT extends ListenerStackIT {

    @Override
    void startStack() throws Exception {
        Path log = dir.resolve("socket-activate.log");
        List<String> command = new ArrayList<>(List.of("systemd-socket-activate", "-l", "127.0.0.1:" + port));
        command.addAll(handOver());
        command.addAll(List.of("-E", "JAVA_TOOL_OPTIONS=" + JVM_NOISE, LAUNCHER.toString(), "--config",
                config.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(log.toFile())
                .redirectErrorStream(true);
        started.add(pb.start());
        awaitText(log, "Listening on 127.0.0.1:" + port, Duration.ofSeconds(10));
    }

    /** How the socket is handed over: one accepted connection per process on stdin and stdout. */
    List<String> handOver() {
        return List.of("--accept", "--inetd");
    }

    /** The shipped units this stack stands for. */
    List<String> units() {
        return List.of("selfheal.socket", "selfheal@.service");
    }

    @Override
    int programOnlyPort() {
        return port;
    }

    @Override
    boolean launcherFiltersPeers() {
        return false;
    }

    /** The shipped units, with ExecStart pointed at this checkout, pass systemd's own checker unchanged. */
    @Test
    void theShippedUnitsPassSystemdAnalyzeVerify() throws Exception {
        Path units = Files.createDirectory(dir.resolve("units"));
        Path shipped = Path.of("../systemd").toAbsolutePath().normalize();
        for (String name : units()) {
            String text = Files.readString(shipped.resolve(name))
                    .replace("/usr/local/lib/selfheal/command-listener", LAUNCHER.toString());
            Files.writeString(units.resolve(name), text);
        }
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        for (String name : units()) {
            command.add("./" + name);
        }
        Process verify = new ProcessBuilder(command).directory(units.toFile()).redirectErrorStream(true).start();
        String out = read(verify.getInputStream());
        assertTrue(verify.waitFor(30, TimeUnit.SECONDS));
        assertEquals("", out);
        assertEquals(0, verify.exitValue());
    }
}
