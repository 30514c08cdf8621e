package selfheal.status;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Filter;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that connect and stall, on real sockets, must never make a healthy worker look hung: whatever they
 * do, a monitor's GET of the health document is answered within a second.
 */
class SlowClientsTest {
    private static final int ANSWER_WITHIN_MS = 1000;

    private final List<Socket> clients = new ArrayList<>();
    private StatusEndpoint endpoint;

    @AfterEach
    void close() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Test
    void twoClientsThatSendOneByteAndStallDoNotDelayTheAnswer() throws IOException {
        endpoint = StatusEndpoint.builder("foo").start();
        stall(2, "G");

        assertAnswersInTime();
    }

    @Test
    void fiftyClientsThatSendOneByteAndStallDoNotDelayTheAnswer() throws IOException {
        endpoint = StatusEndpoint.builder("foo").start();
        stall(50, "G");

        assertAnswersInTime();
        for (Socket client : clients) { // answered while all fifty were still connected
            client.setSoTimeout(10);
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
        }
    }

    @Test
    void fiftyClientsThatSendPartOfTheHeadersAndStallDoNotDelayTheAnswer() throws IOException {
        endpoint = StatusEndpoint.builder("foo").start();
        stall(25, "GET /health HTT");
        stall(25, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n");

        assertAnswersInTime();
    }

    @Test
    void twoHundredIdleConnectionsMoreThanTheEndpointKeepsOpenDoNotDelayTheAnswer() throws IOException {
        endpoint = StatusEndpoint.builder("foo").start();
        stall(200, "");

        assertAnswersInTime();
    }

    @Test
    void clientsThatPromiseABodyAndNeverSendItDoNotDelayTheAnswer() throws IOException {
        endpoint = StatusEndpoint.builder("foo").start();
        stall(50, "POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n");

        assertAnswersInTime();
    }

    @Test
    void clientsThatSendRequestsAndNeverReadTheAnswersDoNotDelayTheAnswer() throws IOException {
        endpoint = StatusEndpoint.builder("foo").start();
        String request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        stall(4, request.repeat(20_000)); // pipelined: far more answers than the socket buffers hold
        sleep(1000);

        assertAnswersInTime();
    }

    @Test
    void whenEveryConnectionIsBeingAnsweredANewOneIsClosedAtOnceAndNothingPilesUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        endpoint = StatusEndpoint.builder("foo").filter(Filter.beforeHandler("hold", exchange -> {
            try {
                release.await(); // a filter stuck until released: every request waits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).start();
        stall(StatusEndpoint.MAX_CONNECTIONS, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        long started = System.nanoTime();
        String refused = Http.raw(endpoint.address(), "GET /health HTTP/1.1\r\n\r\n", 2000);
        long millis = (System.nanoTime() - started) / 1_000_000;
        release.countDown();

        assertTrue(refused.equals("connection closed without an answer") || refused.startsWith("connection failed"),
                refused);
        assertTrue(millis < ANSWER_WITHIN_MS, "refused after " + millis + " ms");
        sleep(500); // the held requests are answered, and their connections wait on their clients again
        assertAnswersInTime();
    }

    @Test
    void aClientThatStallsInItsRequestIsClosedAfterTheClientTimeout() throws IOException {
        endpoint = StatusEndpoint.builder("foo").start();
        long connected = System.nanoTime();
        stall(1, "GET /hea");

        assertClosedAfterTheClientTimeout(clients.get(0), connected);
    }

    @Test
    void aClientThatDripsItsRequestIsClosedAfterTheClientTimeoutForTheWholeHead() throws IOException {
        endpoint = StatusEndpoint.builder("foo").start();
        long connected = System.nanoTime();
        stall(1, "");
        Socket client = clients.get(0);
        Thread dripper = new Thread(() -> {
            try {
                for (char c : "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".toCharArray()) {
                    client.getOutputStream().write(c);
                    Thread.sleep(300); // each byte well within the deadline, the whole head not
                }
            } catch (IOException | InterruptedException closed) {
                // closed by the endpoint, as it should
            }
        });
        dripper.setDaemon(true);
        dripper.start();

        assertClosedAfterTheClientTimeout(client, connected);
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheClientTimeout() throws IOException {
        endpoint = StatusEndpoint.builder("foo").start();
        Socket client = new Socket();
        clients.add(client);
        client.connect(endpoint.address(), 2000);
        client.getOutputStream().write("HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        client.setSoTimeout(2000);
        byte[] answer = new byte[4096];
        int n = client.getInputStream().read(answer);
        long answered = System.nanoTime();
        assertTrue(new String(answer, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200 OK\r\n"));

        assertClosedAfterTheClientTimeout(client, answered);
    }

    /** Closed no earlier than the documented timeout after {@code since}, and no later than a margin after it. */
    private static void assertClosedAfterTheClientTimeout(Socket client, long since) throws IOException {
        long timeout = StatusEndpoint.CLIENT_TIMEOUT.toMillis();
        client.setSoTimeout((int) timeout * 3);
        try {
            while (client.getInputStream().read() >= 0) {
                // a 400 answer may come before the end of the stream
            }
        } catch (SocketException reset) {
            // closed as well
        }
        long millis = (System.nanoTime() - since) / 1_000_000;

        // 100 ms of slack below: the endpoint starts its clock when its last answer is written, not when it is read
        assertTrue(millis >= timeout - 100, "closed after " + millis + " ms, before the " + timeout + " ms timeout");
        assertTrue(millis < timeout + 1500, "closed after " + millis + " ms, long after the " + timeout + " ms timeout");
    }

    private void stall(int count, String sent) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket client = new Socket();
            clients.add(client);
            client.setReceiveBufferSize(4096);
            client.connect(endpoint.address(), 2000);
            client.setSendBufferSize(1 << 16);
            if (!sent.isEmpty()) {
                Thread writer = new Thread(() -> {
                    try {
                        client.getOutputStream().write(sent.getBytes(StandardCharsets.US_ASCII));
                        client.getOutputStream().flush();
                    } catch (IOException closed) {
                        // the endpoint may close a client that never reads
                    }
                });
                writer.setDaemon(true);
                writer.start();
            }
        }
        sleep(200); // let the endpoint take them all in
    }

    private void assertAnswersInTime() throws IOException {
        long started = System.nanoTime();
        String answer = Http.raw(endpoint.address(), "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 2000);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(millis < ANSWER_WITHIN_MS, "answered in " + millis + " ms");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
