package selfheal.check.listener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import selfheal.plugin.Deadline;

/**
 * Sends {@code ping\n} and reads one reply line, all within one deadline: the name lookup, the connect and
 * every read, so neither a slow resolver nor a listener that trickles bytes can stretch the check.
 */
final class ListenerPing {

    /** A reply longer than this is not one of ours (a ping's heals take about 50 bytes a command). */
    static final int MAX_LINE = 8192;

    /** The reply, how long the exchange took, and the listener's certificate (null without TLS). */
    record Exchange(PingReply reply, Duration elapsed, X509Certificate certificate) {
    }

    /** Why no reply was had; the message names the cause. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    Exchange ping(String host, int port, Duration timeout) throws Failure {
        return ping(host, port, timeout, null, null);
    }

    /**
     * The same over {@code tls} (null: plaintext), from the local address {@code source} (null: the kernel's
     * choice); the handshake runs within the same deadline.
     */
    Exchange ping(String host, int port, Duration timeout, ListenerTls tls, InetAddress source) throws Failure {
        String where = host + ":" + port;
        Deadline deadline = Deadline.after(timeout);
        try {
            return deadline.run("check_listener-ping", new Socket(), new Deadline.Task<Exchange>() {
                @Override
                public Exchange run(Socket socket, Deadline d) throws IOException {
                    if (source != null) {
                        socket.bind(new InetSocketAddress(source, 0));
                    }
                    return exchange(host, port, socket, tls, d);
                }
            });
        } catch (SocketTimeoutException e) {
            throw new Failure(deadline.timedOut());
        } catch (ConnectException e) {
            throw new Failure("connection refused by " + where);
        } catch (UnknownHostException e) {
            throw new Failure("cannot resolve host name " + host);
        } catch (SSLException e) {
            String hint = String.valueOf(e.getMessage()).contains("terminated the handshake")
                    ? " (the listener refused: this address not in its allow, or this certificate; see its audit log)"
                    : "";
            throw new Failure("TLS with " + where + " failed: " + selfheal.plugin.Plugin.describe(e) + hint);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // an IOException: the exchange throws no other
            throw new Failure("talking to " + where + " failed: " + selfheal.plugin.Plugin.describe(e));
        }
    }

    /** Looks the host up, connects, sends ping and reads the reply line, each within what is left. */
    private static Exchange exchange(String host, int port, Socket plain, ListenerTls tls, Deadline deadline)
            throws IOException {
        long start = System.nanoTime();
        InetSocketAddress address = new InetSocketAddress(host, port); // the name lookup
        if (address.isUnresolved()) {
            throw new UnknownHostException(host);
        }
        plain.connect(address, deadline.millisLeft());
        Socket socket = plain;
        X509Certificate certificate = null;
        if (tls != null) {
            // several small TLS records in a row: without this each waits for the delayed ACK of the last
            plain.setTcpNoDelay(true);
            SSLSocket secured = tls.over(plain, host, port);
            secured.setSoTimeout(deadline.millisLeft());
            secured.startHandshake();
            certificate = (X509Certificate) secured.getSession().getPeerCertificates()[0];
            socket = secured;
        }
        socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String line = readLine(socket, deadline);
        return new Exchange(PingReply.parse(line), Duration.ofNanos(System.nanoTime() - start), certificate);
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
