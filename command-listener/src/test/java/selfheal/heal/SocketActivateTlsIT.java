package selfheal.heal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The TLS cases under {@code systemd-socket-activate --accept --inetd} (the shape of the shipped
 * selfheal.socket with {@code Accept=yes}): no REMOTE_HOST, the accepted socket on stdin, one process each.
 */
class SocketActivateTlsIT extends TlsIT {
    @Override
    Process startListener() throws Exception {
        Path log = dir.resolve("socket-activate.log");
        Process p = new ProcessBuilder(List.of("systemd-socket-activate", "-l", "127.0.0.2:" + port, "--accept",
                "--inetd", ListenerStackIT.LAUNCHER.toString(), "--config", config.toString()))
                .redirectOutput(log.toFile()).redirectErrorStream(true).start();
        ListenerStackIT.awaitText(log, "Listening on 127.0.0.2:" + port, Duration.ofSeconds(10));
        return p;
    }
}
