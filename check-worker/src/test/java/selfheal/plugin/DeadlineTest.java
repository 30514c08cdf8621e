package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class DeadlineTest {

    @Test
    void theTaskAnswersWithinTheDeadline() throws Exception {
        Socket socket = new Socket();
        String answer = Deadline.after(Duration.ofSeconds(5)).run("test", socket, (s, d) -> "answer " + (d.millisLeft() > 0));
        assertEquals("answer true", answer);
        assertTrue(socket.isClosed(), "the socket is closed after the task");
    }

    @Test
    void aTaskThatNeverEndsLikeAHungNameLookupIsCutAtTheDeadline() {
        Socket socket = new Socket();
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> Deadline.after(Duration.ofMillis(300)).run("test", socket, (s, d) -> {
            Thread.sleep(10_000); // deaf to the socket's close, as a resolver is
            return "never";
        }));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 290 && millis < 2_000, millis + " ms");
        assertTrue(socket.isClosed());
    }

    @Test
    void whatTheTaskThrowsReachesTheCaller() {
        IOException e = assertThrows(IOException.class, () -> Deadline.after(Duration.ofSeconds(5)).run("test", new Socket(), (s, d) -> {
            throw new IOException("refused");
        }));
        assertEquals("refused", e.getMessage());
    }

    @Test
    void nothingLeftIsASocketTimeout() throws Exception {
        Deadline passed = Deadline.after(Duration.ofNanos(1));
        Thread.sleep(5);
        assertTrue(passed.passed());
        assertThrows(SocketTimeoutException.class, passed::millisLeft);
        assertEquals(false, Deadline.after(Duration.ofSeconds(5)).passed());
    }

    @Test
    void theMessageNamesTheTimeout() {
        assertEquals("timed out after 0.5 s", Deadline.after(Duration.ofMillis(500)).timedOut());
        assertEquals("timed out after 10 s", Deadline.after(Duration.ofSeconds(10)).timedOut());
    }

    @Test
    void givenThreadsTheTaskRunsOnOneOfThemAndIsStillCutAtTheDeadline() throws Exception {
        ExecutorService threads = Executors.newSingleThreadExecutor(task -> new Thread(task, "reused"));
        try {
            String where = Deadline.after(Duration.ofSeconds(5)).run(threads, "test", new Socket(),
                    (s, d) -> Thread.currentThread().getName());
            assertEquals("reused", where);
            Socket socket = new Socket();
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> Deadline.after(Duration.ofMillis(300)).run(threads, "test",
                    socket, (s, d) -> {
                        Thread.sleep(1_000);
                        return "late";
                    }));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 290 && millis < 900, millis + " ms");
            assertTrue(socket.isClosed());
        } finally {
            threads.shutdownNow();
        }
    }
}
