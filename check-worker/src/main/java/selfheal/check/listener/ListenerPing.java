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
import selfheal.plugin.Deadline;

/**
 * Sends {@code ping\n} and reads one reply line, all within one deadline: the name lookup, the connect and
 * every read, so neither a slow resolver nor a listener that trickles bytes can stretch the check.
 */
final class ListenerPing {

    /** A reply longer than this is not one of ours (a ping's heals take about 50 bytes a command). */
    static final int MAX_LINE = 8192;

    /** The reply, and how long the exchange took. */
    record Exchange(PingReply reply, Duration elapsed) {
    }

    /** Why no reply was had; the message names the cause. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    Exchange ping(String host, int port, Duration timeout) throws Failure {
        String where = host + ":" + port;
        Deadline deadline = Deadline.after(timeout);
        try {
            return deadline.run("check_listener-ping", new Socket(), new Deadline.Task<Exchange>() {
                @Override
                public Exchange run(Socket socket, Deadline d) throws IOException {
                    return exchange(host, port, socket, d);
                }
            });
        } catch (SocketTimeoutException e) {
            throw new Failure(deadline.timedOut());
        } catch (ConnectException e) {
            throw new Failure("connection refused by " + where);
        } catch (UnknownHostException e) {
            throw new Failure("cannot resolve host name " + host);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // an IOException: the exchange throws no other
            throw new Failure("talking to " + where + " failed: " + selfheal.plugin.Plugin.describe(e));
        }
    }

    /** Looks the host up, connects, sends ping and reads the reply line, each within what is left. */
    private static Exchange exchange(String host, int port, Socket socket, Deadline deadline) throws IOException {
        long start = System.nanoTime();
        InetSocketAddress address = new InetSocketAddress(host, port); // the name lookup
        if (address.isUnresolved()) {
            throw new UnknownHostException(host);
        }
        socket.connect(address, deadline.millisLeft());
        socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String line = readLine(socket, deadline);
        return new Exchange(PingReply.parse(line), Duration.ofNanos(System.nanoTime() - start));
    }

    private static String readLine(Socket socket, Deadline deadline) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            socket.setSoTimeout(deadline.millisLeft());
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
}
