package selfheal.check.listener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends {@code ping\n} and reads one reply line, all within one deadline: every connect and read gets
 * only the time that is left, so a listener that trickles bytes cannot stretch the check.
 */
final class ListenerPing {

    /** A reply longer than this is not one of ours. */
    static final int MAX_LINE = 512;

    /** The reply, and how long the exchange took. */
    record Exchange(PingReply reply, Duration elapsed) {
    }

    /** Why no reply was had; the message names the cause. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean timedOut;

        Failure(String message, boolean timedOut) {
            super(message);
            this.timedOut = timedOut;
        }
    }

    Exchange ping(String host, int port, Duration timeout) throws Failure {
        String where = host + ":" + port;
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try (Socket socket = new Socket()) {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                throw new Failure("cannot resolve host name " + host, false);
            }
            socket.connect(address, remainingMillis(deadline, timeout));
            socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String line = readLine(socket, deadline, timeout);
            return new Exchange(new PingReply(line), Duration.ofNanos(System.nanoTime() - start));
        } catch (SocketTimeoutException e) {
            throw timedOut(timeout);
        } catch (ConnectException e) {
            throw new Failure("connection refused by " + where, false);
        } catch (UnknownHostException e) {
            throw new Failure("cannot resolve host name " + host, false);
        } catch (IOException e) {
            throw new Failure("talking to " + where + " failed: " + selfheal.plugin.Plugin.describe(e), false);
        }
    }

    private static String readLine(Socket socket, long deadline, Duration timeout) throws IOException, Failure {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            socket.setSoTimeout(remainingMillis(deadline, timeout));
            int b = in.read();
            if (b == -1 || b == '\n') {
                break;
            }
            line.write(b);
            if (line.size() > MAX_LINE) {
                break;
            }
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static int remainingMillis(long deadline, Duration timeout) throws Failure {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw timedOut(timeout);
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static Failure timedOut(Duration timeout) {
        return new Failure("timed out after " + selfheal.plugin.PerfData.number(timeout.toMillis() / 1000.0) + " s", true);
    }
}
