package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client reads the reply and EOF while the listener process is still alive: the connection is closed
 * right after the reply (and its audit record), not by the JVM's exit. Real sockets handed over by
 * systemd-socket-activate, in the two shapes the listener meets: xinetd's (REMOTE_HOST set, the socket on
 * fds 0, 1 and 2) and systemd's (no variable, the socket on fds 0 and 1 only).
 */
class EarlyCloseIT {
    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            p.waitFor();
        }
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
        "ping, xinetd, OK pong",
        "ping, systemd, OK pong",
        "foo-restart, xinetd, OK foo-restart exit=0 ",
        "foo-restart, systemd, OK foo-restart exit=0 ",
        "nonsense;rm, xinetd, ERR bad-request",
    })
    void theClientReadsTheReplyAndEofBeforeTheProcessExits(String request, String shape, String expected)
            throws Exception {
        ListenerFixture fx = new ListenerFixture(tmp);
        Path release = tmp.resolve("release");
        Path done = tmp.resolve("done");
        int port = ListenerStackIT.freePort();
        Path log = tmp.resolve("socket-activate.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String program = "exec " + java + " -Xshare:auto -cp '" + System.getProperty("java.class.path") + "' "
                + LingeringListener.class.getName() + " " + release + " " + done + " --config " + fx.config
                + (shape.equals("xinetd") ? " 2>&1" : " 2>/dev/null");
        List<String> command = new ArrayList<>(List.of("systemd-socket-activate", "-l", "127.0.0.1:" + port,
                "--accept", "--inetd"));
        if (shape.equals("xinetd")) {
            command.addAll(List.of("-E", "REMOTE_HOST=127.0.0.1"));
        }
        command.addAll(List.of("/bin/sh", "-c", program));
        started.add(new ProcessBuilder(command).redirectOutput(log.toFile()).redirectErrorStream(true).start());
        ListenerStackIT.awaitText(log, "Listening on 127.0.0.1:" + port, Duration.ofSeconds(10));

        String reply;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(15_000); // the process lingers 20 s: only an early close ends this read
            socket.getOutputStream().write((request + "\n").getBytes(StandardCharsets.US_ASCII));
            reply = readToEof(socket.getInputStream());
        }
        assertFalse(Files.exists(done), "the process had already exited: the close proves nothing");
        assertTrue(reply.startsWith(expected) && reply.endsWith("\n") && reply.indexOf('\n') == reply.length() - 1,
                "exactly one reply line and nothing after it: " + reply);
        List<String> audit = fx.outcomes();
        assertEquals(1, audit.size(), "the outcome record is written before the reply");
        assertTrue(audit.get(0).contains(" peer=127.0.0.1 request=\"" + request + "\""), audit.get(0));

        Files.writeString(release, "");
        ListenerStackIT.awaitText(done, expected.startsWith("OK") ? "0" : "1", Duration.ofSeconds(10));
    }

    private static String readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        in.transferTo(reply);
        return reply.toString(StandardCharsets.US_ASCII);
    }
}
