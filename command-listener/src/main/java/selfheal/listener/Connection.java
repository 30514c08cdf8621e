package selfheal.listener;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.util.Map;

/**
 * What this process was started on: a socket from xinetd or systemd (peer known), or a pipe from an operator.
 * Knows how to end the reply early so a client such as {@code nc -N} returns without waiting for the JVM exit.
 */
final class Connection {
    private final Peer peer;
    private final SocketChannel socket;

    private Connection(Peer peer, SocketChannel socket) {
        this.peer = peer;
        this.socket = socket;
    }

    /** For tests and pipes: a known peer and nothing to shut down. */
    static Connection of(Peer peer) {
        return new Connection(peer, null);
    }

    /**
     * The peer of the inherited socket (works under xinetd, systemd Accept=yes and systemd-socket-activate,
     * which sets no variable); otherwise REMOTE_HOST as xinetd sets it; otherwise a local operator.
     * The socket is asked first because it cannot be forged through the environment.
     */
    static Connection inherited(Map<String, String> env) {
        SocketChannel socket = null;
        try {
            Channel channel = System.inheritedChannel();
            if (channel instanceof SocketChannel s) {
                socket = s;
                SocketAddress remote = s.getRemoteAddress();
                if (remote instanceof InetSocketAddress inet) {
                    return new Connection(Peer.remote(inet.getAddress()), socket);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not a socket we can use; fall back to what xinetd tells us.
        }
        String host = env.get("REMOTE_HOST");
        if (host != null && !host.isBlank()) {
            try {
                return new Connection(Peer.remote(AddressRange.parseAddress(host)), socket);
            } catch (IllegalArgumentException e) {
                return new Connection(Peer.unknown(host), socket);
            }
        }
        return new Connection(socket == null ? Peer.local() : Peer.unknown("socket"), socket);
    }

    Peer peer() {
        return peer;
    }

    /**
     * After the reply: send FIN now, and swallow what the client sent beyond its line, because closing a
     * socket with unread input makes the kernel answer with RST, which can destroy the reply in flight.
     * {@code unread} is null while the reader thread may still be blocked on it (read deadline passed).
     */
    void finish(InputStream unread) {
        if (socket == null) {
            return;
        }
        try {
            socket.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            // The client is gone; nothing left to protect.
        }
        if (unread == null) {
            return;
        }
        InputStream in = unread;
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
            // Same: the reply has been sent.
        }
    }
}
