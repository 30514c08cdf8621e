package selfheal.listener;

import java.nio.file.Path;
import java.time.Duration;

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
}
