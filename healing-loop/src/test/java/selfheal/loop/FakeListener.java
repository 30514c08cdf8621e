package selfheal.loop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real TCP server on 127.0.0.1, port 0, standing where the command-listener would: records each request
 * line and answers after a delay with the next of its replies, the last one for every connection after
 * ("" closes without a word, as xinetd's only_from does).
 */
final class FakeListener implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FakeListener(String reply, long delayMillis) throws IOException {
        this(List.of(reply), delayMillis);
    }

    /** Answers the first connection with {@code replies[0]}, the second with {@code replies[1]}, ... */
    static FakeListener answering(String... replies) throws IOException {
        return new FakeListener(List.of(replies), 0);
    }

    private FakeListener(List<String> replies, long delayMillis) throws IOException {
        if (replies.isEmpty()) {
            throw new IllegalArgumentException("no reply to give");
        }
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> serve(replies, delayMillis), "fake-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    private void serve(List<String> replies, long delayMillis) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String reply = replies.get(Math.min(requests.size(), replies.size() - 1));
                requests.add(String.valueOf(in.readLine()));
                Thread.sleep(delayMillis);
                if (!reply.isEmpty()) {
                    OutputStream out = socket.getOutputStream();
                    out.write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException e) {
                // closed, or the client went away: next connection
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
