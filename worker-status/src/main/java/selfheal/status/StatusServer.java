package selfheal.status;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The endpoint's HTTP/1.1 server: an accept thread and a thread per connection, all daemons. Clients cannot make
 * it look hung, however slow or many they are:
 *
 * <ul>
 * <li>a client has the client timeout to send each request head, and again to take each answer, or its
 *     connection is closed; an idle kept-alive connection is closed after the same time (the accept thread
 *     looks for overdue connections every {@value #TICK_MS} ms);</li>
 * <li>at most {@code maxConnections} connections are open; a new one beyond that closes the connection that
 *     has waited longest on its client, or, if every connection is being answered, is closed at once;</li>
 * <li>only requests whose head is complete wait for one of the {@code answering} permits, so the health
 *     document's capacity is never taken by a client that stalls.</li>
 * </ul>
 *
 * <p>The deadlines and the limit belong to this server alone: nothing here sets a system property (the JDK's
 * {@code com.sun.net.httpserver} can only bound request reading JVM-wide, with {@code sun.net.httpserver.*}).
 */
final class StatusServer implements Closeable {
    private static final int TICK_MS = 100;
    // Deep enough that a burst of connections waits in the kernel, not in SYN retries, while threads start.
    private static final int BACKLOG = 1024;
    private static final int LINGER_BYTES = 64 * 1024;

    private final ServerSocket listener;
    private final StatusExchange.Context context;
    private final long clientTimeoutNanos;
    private final int maxConnections;
    private final Semaphore answering;
    private final DaemonThreads connectionThreads = new DaemonThreads("worker-status-http");
    private final Set<Connection> connections = new LinkedHashSet<>();
    private final Thread acceptor;
    private volatile boolean closed;

    StatusServer(InetSocketAddress address, StatusExchange.Context context, Duration clientTimeout,
            int maxConnections, int answering) throws IOException {
        this.context = context;
        this.clientTimeoutNanos = clientTimeout.toNanos();
        this.maxConnections = maxConnections;
        this.answering = new Semaphore(answering);
        this.listener = new ServerSocket();
        try {
            listener.bind(address, BACKLOG);
            listener.setSoTimeout(TICK_MS);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        this.acceptor = new DaemonThreads("worker-status-http-accept").newThread(this::acceptLoop);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Stops listening at once and closes every connection; answers being computed are interrupted. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (connections) {
            for (Connection connection : connections) {
                connection.abort();
            }
            connections.clear();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket = null;
            try {
                socket = listener.accept();
            } catch (SocketTimeoutException tick) {
                // time to look for overdue clients
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                pause(); // such as too many open files: try again, without spinning
            }
            closeOverdue();
            if (socket != null) {
                admit(socket);
            }
        }
    }

    private void closeOverdue() {
        long now = System.nanoTime();
        synchronized (connections) {
            connections.removeIf(c -> {
                boolean overdue = c.waitingSince(now) >= clientTimeoutNanos;
                if (overdue) {
                    c.abort();
                }
                return overdue;
            });
        }
    }

    private void admit(Socket socket) {
        Connection connection = new Connection(socket);
        synchronized (connections) {
            if (connections.size() >= maxConnections && !evictLongestWaiting()) {
                connection.abort(); // every connection is being answered: overload, never a pile-up
                return;
            }
            connections.add(connection);
        }
        try {
            connection.thread.start();
        } catch (OutOfMemoryError noThread) { // "unable to create native thread": refuse this one, keep accepting
            connection.abort();
            synchronized (connections) {
                connections.remove(connection);
            }
        }
    }

    private boolean evictLongestWaiting() {
        long now = System.nanoTime();
        Connection longest = null;
        long longestWait = -1;
        for (Connection c : connections) {
            long wait = c.waitingSince(now);
            if (wait > longestWait) {
                longest = c;
                longestWait = wait;
            }
        }
        if (longest == null) {
            return false;
        }
        longest.abort();
        connections.remove(longest);
        return true;
    }

    private static void pause() {
        try {
            Thread.sleep(TICK_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client connection: its requests are read, answered and written one after the other. */
    private final class Connection {
        private final Socket socket;
        private final Thread thread;
        /** When it started to wait on its client (System.nanoTime), or {@code Long.MIN_VALUE} while answering. */
        private volatile long waitingFrom = System.nanoTime();

        Connection(Socket socket) {
            this.socket = socket;
            this.thread = connectionThreads.newThread(this::serve);
        }

        /** How long it has been waiting on its client, or a negative number while it is answering. */
        long waitingSince(long now) {
            long from = waitingFrom;
            return from == Long.MIN_VALUE ? -1 : now - from;
        }

        void abort() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone anyway
            }
            thread.interrupt();
        }

        private void serve() {
            try (socket) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                while (!closed) {
                    waitingFrom = System.nanoTime();
                    RequestHead head;
                    try {
                        head = RequestHead.read(in);
                    } catch (RequestHead.Malformed e) {
                        out.write(StatusExchange.refusal(400, "bad request: " + e.getMessage() + "\n"));
                        finish(in);
                        return;
                    }
                    if (head == null) {
                        return;
                    }
                    boolean keepAlive = head.keepAlive();
                    byte[] answer = answer(head, keepAlive);
                    if (answer == null) {
                        return;
                    }
                    waitingFrom = System.nanoTime();
                    out.write(answer);
                    if (!keepAlive) {
                        finish(in);
                        return;
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the client left, was too slow, or the answer failed: the connection is closed either way
            } finally {
                synchronized (connections) {
                    connections.remove(this);
                }
            }
        }

        /**
         * Ends the connection after a last answer so that the client gets all of it: closing with unread bytes
         * from the client (a body, the rest of a bad head) would reset the connection and could lose the answer.
         * Discards what the client still sends, up to {@value #LINGER_BYTES} bytes, under the same deadline.
         */
        private void finish(InputStream in) throws IOException {
            socket.shutdownOutput();
            byte[] discard = new byte[4096];
            for (int total = 0, n; total < LINGER_BYTES && (n = in.read(discard)) >= 0; total += n) {
                // until the client closes too
            }
        }

        private byte[] answer(RequestHead head, boolean keepAlive) throws IOException {
            waitingFrom = Long.MIN_VALUE;
            StatusExchange exchange = new StatusExchange(head, context,
                    (InetSocketAddress) socket.getLocalSocketAddress(),
                    (InetSocketAddress) socket.getRemoteSocketAddress());
            try {
                answering.acquire();
            } catch (InterruptedException e) {
                return null;
            }
            try {
                context.handle(exchange);
            } finally {
                answering.release();
            }
            return exchange.answer(keepAlive);
        }
    }
}
