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
     * REMOTE_HOST as xinetd sets it; otherwise the peer of the inherited socket (systemd Accept=yes and
     * systemd-socket-activate set no variable); otherwise a local operator. REMOTE_HOST goes first because
     * asking for the inherited channel costs a fresh JVM some 30 ms (selector provider set-up), and it is
     * safe: only whoever starts the listener sets its environment, and such a local user could equally run
     * it on a pipe.
     */
    static Connection inherited(Map<String, String> env) {
        String host = env.get("REMOTE_HOST");
        if (host != null && !host.isBlank()) {
            try {
                return new Connection(Peer.remote(AddressRange.parseAddress(host)), null);
            } catch (IllegalArgumentException e) {
                return new Connection(Peer.unknown(host), null);
            }
        }
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
            // Not a socket we can use: a pipe or a terminal.
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
        if (socket != null) {
            try {
                socket.shutdownOutput();
            } catch (IOException | RuntimeException e) {
                // The client is gone; nothing left to protect.
            }
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
