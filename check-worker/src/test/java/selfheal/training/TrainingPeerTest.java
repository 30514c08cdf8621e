package selfheal.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import selfheal.check.listener.CheckListener;
import selfheal.check.worker.CheckWorker;

/** make-archives trains the plugins on the common path: against these peers, a check is OK. */
class TrainingPeerTest {

    @Test
    void checkWorkerFindsTheHealthEndpointHealthy() throws Exception {
        HttpServer server = TrainingPeer.health(null);
        server.start();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = new CheckWorker(InstantSource.system(), Path.of("")).run(new String[] {"-H", "127.0.0.1",
                    "-p", String.valueOf(server.getAddress().getPort()), "-u", "/health"},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            assertTrue(text.startsWith("WORKER OK - health+json pass, 2 checks, HTTP 200 OK"), text);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void checkListenerGetsPong() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                try {
                    TrainingPeer.pong(server);
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
            peer.setDaemon(true);
            peer.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = new CheckListener().run(new String[] {"-H", "127.0.0.1", "-p", String.valueOf(server.getLocalPort())},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            assertTrue(text.startsWith("LISTENER OK - pong from 127.0.0.1:" + server.getLocalPort()), text);
        }
    }
}
