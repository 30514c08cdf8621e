package selfheal.check.listener;

import java.io.BufferedInputStream;
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
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import selfheal.plugin.Deadline;

/**
 * A client of the command-listener: sends one request line ({@code ping} for check_listener, {@code describe}
 * for selfheal-discover) and reads the reply, all within one deadline: the name lookup, the connect and every
 * read, so neither a slow resolver nor a listener that trickles bytes can stretch the check.
 */
public final class ListenerClient {

    /** A reply line longer than this is not one of ours (a ping's heals take about 50 bytes a command). */
    static final int MAX_LINE = 8192;
    /** The most lines of a reply read ({@code describe}: one per worker). */
    static final int MAX_LINES = 1000;

    /**
     * The reply's lines (without line ends; one empty line for an empty reply), how long the exchange took, and
     * the listener's certificate (null without TLS).
     */
    public record Exchange(List<String> lines, Duration elapsed, X509Certificate certificate) {
        public Exchange {
            lines = List.copyOf(lines);
        }

        PingReply pingReply() {
            return PingReply.parse(lines.get(0));
        }
    }

    /** Why no reply was had; the message names the cause. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /**
     * Sends {@code request} over {@code tls} (null: plaintext), from the local address {@code source} (null: the
     * kernel's choice), and reads one reply line, or with {@code allLines} every line until the listener closes;
     * the handshake runs within the same deadline.
     */
    public Exchange ask(String request, boolean allLines, String host, int port, Duration timeout, ListenerTls tls,
                        InetAddress source) throws Failure {
        String where = host + ":" + port;
        Deadline deadline = Deadline.after(timeout);
        try {
            return deadline.run("listener-" + request, new Socket(), new Deadline.Task<Exchange>() {
                @Override
                public Exchange run(Socket socket, Deadline d) throws IOException {
                    if (source != null) {
                        socket.bind(new InetSocketAddress(source, 0));
                    }
                    return exchange(request, allLines, host, port, socket, tls, d);
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

    /** Looks the host up, connects, sends the request and reads the reply, each within what is left. */
    private static Exchange exchange(String request, boolean allLines, String host, int port, Socket plain,
                                     ListenerTls tls, Deadline deadline) throws IOException {
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
        socket.getOutputStream().write((request + "\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        List<String> lines = new ArrayList<>();
        boolean more = true;
        while (more && lines.size() < MAX_LINES) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            more = readLine(socket, in, line, deadline);
            String text = line.toString(StandardCharsets.ISO_8859_1);
            if (more || !text.isEmpty() || lines.isEmpty()) {
                lines.add(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
            }
            more &= allLines;
        }
        return new Exchange(lines, Duration.ofNanos(System.nanoTime() - start), certificate);
    }

    /** Reads one line into {@code line}; false at the end of the reply (EOF, or a line over the limit). */
    private static boolean readLine(Socket socket, InputStream in, ByteArrayOutputStream line, Deadline deadline)
            throws IOException {
        while (true) {
            socket.setSoTimeout(deadline.millisLeft());
            int b = in.read();
            if (b == -1) {
                return false;
            }
            if (b == '\n') {
                return true;
            }
            line.write(b);
            if (line.size() > MAX_LINE) {
                return false;
            }
        }
    }
}
