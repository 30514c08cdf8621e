package selfheal.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A demo worker foo as the tests see it: the pidfile its start.sh writes (which foo runs now), the kill -9 the
 * tests heal, and its status endpoint.
 */
record FooProcess(Path pidfile, String address, int port) {

    /** The pid its pidfile names, or -1 while there is none (not yet written, or removed by stop.sh). */
    long pid() {
        try {
            String text = Files.readString(pidfile).strip();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException e) {
            return -1;
        }
    }

    boolean alive() {
        long pid = pid();
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** kill -9 of the running foo; returns its pid. */
    long kill(Supplier<String> diagnostics) {
        long pid = pid();
        ProcessHandle.of(pid)
                .orElseThrow(() -> new AssertionError("foo (pid " + pid + ") is not running:\n" + diagnostics.get()))
                .destroyForcibly();
        return pid;
    }

    /** Whether foo, a new one if {@code not} is its old pid, answers its status endpoint with HTTP 200. */
    boolean answersOk(long not) {
        long pid = pid();
        if (pid == not || !alive()) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("GET /health HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }
}
