package selfheal.heal;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * What a request arrives on: a socket from xinetd or systemd (peer known), a pipe from an operator, or a
 * connection a {@link ResidentListener} accepted. Knows how to end the connection right after the reply, so
 * that a client such as {@code nc -N} reads EOF without waiting for the JVM's exit and teardown (a few
 * milliseconds of every request). A process handed a listening socket instead has {@link #listening()}.
 */
final class Connection {
    /** What xinetd puts in REMOTE_HOST when it has not accepted the connection itself ({@code wait = yes}). */
    static final String NO_ADDRESS = "<no address>";

    private final Peer peer;
    private final SocketChannel socket;
    /** Whether the streams given to {@link #finish} are this process's own stdin and stdout. */
    private final boolean ownStreams;
    private final ServerSocketChannel listening;
    /** The TLS layered over {@link #socket}, once its handshake ended well; else null. */
    private final SSLSocket tls;

    private Connection(Peer peer, SocketChannel socket, boolean ownStreams, ServerSocketChannel listening,
                       SSLSocket tls) {
        this.peer = peer;
        this.socket = socket;
        this.ownStreams = ownStreams;
        this.listening = listening;
        this.tls = tls;
    }

    private Connection(Peer peer, SocketChannel socket, boolean ownStreams, ServerSocketChannel listening) {
        this(peer, socket, ownStreams, listening, null);
    }

    private Connection(Peer peer, SocketChannel socket, boolean ownStreams) {
        this(peer, socket, ownStreams, null);
    }

    /** For tests: a known peer, in-memory streams, nothing to shut down. */
    static Connection of(Peer peer) {
        return new Connection(peer, null, false);
    }

    /** A connection a resident listener accepted: closed entirely by {@link #finish}. */
    static Connection accepted(Socket client) {
        return new Connection(peerOf(client.getRemoteSocketAddress()), client.getChannel(), false);
    }

    /**
     * REMOTE_HOST as xinetd sets it; otherwise, if stdin is a socket, the peer of the inherited socket (systemd
     * Accept=yes and systemd-socket-activate set no variable), or the listening socket itself (xinetd wait = yes,
     * which sets REMOTE_HOST to {@value #NO_ADDRESS}; systemd Accept=no); otherwise (a pipe or a terminal) a
     * local operator. REMOTE_HOST goes first, and /proc is asked whether stdin is a socket at all, because asking
     * for the inherited channel costs a fresh JVM some 30 ms (selector provider set-up). REMOTE_HOST is safe:
     * only whoever starts the listener sets its environment, and such a local user could equally run it on a
     * pipe.
     */
    static Connection inherited(Map<String, String> env) {
        String host = env.get("REMOTE_HOST");
        if (host != null && !host.isBlank() && !host.equals(NO_ADDRESS)) {
            try {
                return new Connection(Peer.remote(IpAddress.parse(host)), null, true);
            } catch (IllegalArgumentException e) {
                return new Connection(Peer.unknown(host), null, true);
            }
        }
        if (!isSocket(0)) {
            return new Connection(Peer.local(), null, true); // a pipe or a terminal: no channel to ask
        }
        SocketChannel socket = null;
        try {
            Channel channel = System.inheritedChannel();
            if (channel instanceof ServerSocketChannel server) {
                return new Connection(Peer.local(), null, true, server);
            }
            if (channel instanceof SocketChannel s) {
                socket = s;
                return new Connection(peerOf(s.getRemoteAddress()), socket, true);
            }
        } catch (IOException | RuntimeException e) {
            // Not a socket we can use: a pipe or a terminal.
        }
        return new Connection(socket == null ? Peer.local() : Peer.unknown("socket"), socket, true);
    }

    /** A socket's peer; unknown (so denied) unless it is an IP address. */
    private static Peer peerOf(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return Peer.remote(IpAddress.of(inet.getAddress().getAddress()));
        }
        return Peer.unknown("socket");
    }

    Peer peer() {
        return peer;
    }

    /**
     * This connection over TLS, its peer named by its client certificate; the handshake must end within
     * {@code deadline}. Under xinetd the socket is stdin's, asked for only now: a listener without TLS never
     * pays for the inherited channel.
     */
    Connection secure(TlsFiles files, Duration firstByte, Duration deadline) throws TlsHandshake.Refused {
        SocketChannel channel = socket;
        if (channel == null && ownStreams) {
            try {
                if (System.inheritedChannel() instanceof SocketChannel inherited) {
                    channel = inherited;
                }
            } catch (IOException | RuntimeException e) {
                // no socket: refused below
            }
        }
        if (channel == null) {
            throw new TlsHandshake.Refused("TLS is configured but the connection is no socket");
        }
        TlsHandshake.Secured secured = TlsHandshake.serve(channel.socket(), files, firstByte, deadline);
        return new Connection(peer.withClient(secured.client()), channel, ownStreams, null, secured.socket());
    }

    /** What the request is read from: the TLS stream over TLS, else {@code plain} (stdin or the socket's). */
    InputStream input(InputStream plain) throws IOException {
        return tls == null ? plain : tls.getInputStream();
    }

    /** Where the reply goes: the TLS stream over TLS, else {@code plain}. */
    OutputStream output(OutputStream plain) throws IOException {
        return tls == null ? plain : tls.getOutputStream();
    }

    /** Whether a resident listener accepted this connection (and so shares its process with others). */
    boolean accepted() {
        return !ownStreams && socket != null;
    }

    /**
     * The listening socket this process was handed instead of a connection (xinetd {@code wait = yes},
     * systemd {@code Accept=no}), or null.
     */
    ServerSocketChannel listening() {
        return listening;
    }

    /**
     * After the reply and its audit record: end the connection now, not at the JVM's exit. First swallow what
     * the client sent beyond its line, because closing a socket with unread input makes the kernel answer with
     * RST, which can destroy the reply in flight. Then send FIN: shutdownOutput where the socket is a channel
     * (systemd), and in any case close stdout and stdin, which under xinetd are the socket itself; stderr too
     * when it is the same socket (xinetd passes it as fd 2), so that nothing can reach the client after the
     * reply. The JVM turns a close of fd 0-2 into a dup2 of /dev/null, so no later open reuses them.
     * With {@code lineComplete} false the reader thread may still be blocked on {@code in} (read deadline
     * passed): then stdin is left alone and the kernel drops the socket at exit.
     */
    void finish(InputStream in, OutputStream out, boolean lineComplete) {
        if (tls != null) {
            // TLS first: its close_notify, then the socket under it (the plain streams below are that socket)
            try {
                if (lineComplete) {
                    drain(tls.getInputStream());
                }
            } catch (IOException | RuntimeException e) {
                // nothing to drain
            }
            close(tls);
        }
        if (lineComplete) {
            drain(in);
        }
        if (socket != null) {
            try {
                socket.shutdownOutput();
            } catch (IOException | RuntimeException e) {
                // The client is gone; nothing left to protect.
            }
        }
        if (!ownStreams) {
            if (socket != null) {
                // An accepted connection: closing it also wakes a reader still blocked past its deadline.
                close(socket);
            }
            return;
        }
        boolean stderrIsClient = isSameSocket(2, 1) || isSameSocket(2, 0);
        close(out);
        if (lineComplete) {
            close(in);
        }
        if (stderrIsClient) {
            close(new FileOutputStream(FileDescriptor.err));
        }
    }

    private static void drain(InputStream in) {
        try {
            byte[] sink = new byte[4096];
            int drained = 0;
            while (drained < 65536 && in.available() > 0) {
                int n = in.read(sink, 0, Math.min(in.available(), sink.length));
                if (n <= 0) {
                    break;
                }
                drained += n;
            }
        } catch (IOException | RuntimeException e) {
            // The reply has been sent; the close below still happens.
        }
    }

    /**
     * Whether a file descriptor of this process is a socket, as /proc tells (no NIO set-up); true when /proc
     * cannot tell, so that the inherited channel is asked then.
     */
    static boolean isSocket(int fd) {
        String target = fdTarget(fd);
        return target == null || target.startsWith("socket:");
    }

    /** Whether two of this process's file descriptors are the same socket, read from /proc (no NIO set-up). */
    private static boolean isSameSocket(int fd, int other) {
        String target = fdTarget(fd);
        return target != null && target.startsWith("socket:") && target.equals(fdTarget(other));
    }

    /** What /proc/self/fd/FD points to ("socket:[123]", a path, "pipe:[456]"), or null if it cannot be read. */
    private static String fdTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void close(Closeable stream) {
        try {
            stream.close();
        } catch (IOException | RuntimeException e) {
            // Already closed or gone: either way the client has its EOF.
        }
    }
}
