package selfheal.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same suite against {@code systemd-socket-activate --accept --inetd}, which sets no REMOTE_HOST. */
class SocketActivateIT extends ListenerStackIT {

    @Override
    void startStack() throws Exception {
        Path log = dir.resolve("socket-activate.log");
        ProcessBuilder pb = new ProcessBuilder("systemd-socket-activate", "-l", "127.0.0.1:" + port, "--accept",
                "--inetd", "-E", "JAVA_TOOL_OPTIONS=" + JVM_NOISE, LAUNCHER.toString(), "--config", config.toString())
                .redirectOutput(log.toFile())
                .redirectErrorStream(true);
        started.add(pb.start());
        awaitText(log, "Listening on 127.0.0.1:" + port, Duration.ofSeconds(10));
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
        for (String name : new String[] {"selfheal.socket", "selfheal@.service"}) {
            String text = Files.readString(shipped.resolve(name))
                    .replace("/opt/selfheal/command-listener", LAUNCHER.toString());
            Files.writeString(units.resolve(name), text);
        }
        Process verify = new ProcessBuilder("systemd-analyze", "verify", "--man=no", "./selfheal.socket",
                "./selfheal@.service").directory(units.toFile()).redirectErrorStream(true).start();
        String out = read(verify.getInputStream());
        assertTrue(verify.waitFor(30, TimeUnit.SECONDS));
        assertEquals("", out);
        assertEquals(0, verify.exitValue());
    }
}
