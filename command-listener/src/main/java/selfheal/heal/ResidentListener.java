package selfheal.heal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener handed a listening socket instead of a connection (xinetd {@code wait = yes}, systemd
 * {@code Accept=no}): one JVM accepts connection after connection and serves each exactly as a per-connection
 * process would (configuration re-read, allow, lock, budget, audit, reply, close), so the JVM's start is paid
 * once per busy period instead of once per request. At most {@code resident.connections} are served at once;
 * more wait in the kernel's backlog. After {@code resident.idle} without a connection, counted from the
 * last one's end, it exits: its starter listens again and starts a fresh one for the next connection. It
 * also stops listening within {@link #WATCH_MILLIS} ms once its starter has gone (xinetd stopped or
 * restarting), because it would otherwise hold the port that a new xinetd must bind.
 */
final class ResidentListener {
    /** How often the accept loop looks whether its starter is still there. */
    private static final long WATCH_MILLIS = 200;

    private final CommandListener listener;
    private final ServerSocketChannel server;
    private final Path configFile;
    /** When the last connection was accepted or ended: the idle time counts from there. */
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());

    ResidentListener(CommandListener listener, ServerSocketChannel server, Path configFile) {
        this.listener = listener;
        this.server = server;
        this.configFile = configFile;
    }

    /** Serves until idle or orphaned; 0 then, 1 if the listening socket fails (the starter starts another). */
    int run() {
        // Read once: the limits of this run. Every connection re-reads the whole file for its request.
        ListenerConfig.Residency limits;
        try {
            limits = ListenerConfig.load(configFile).residency();
        } catch (ConfigException e) {
            limits = ListenerConfig.Residency.DEFAULT; // every request will answer ERR internal and say why
        }
        long starter = parentPid();
        Semaphore slots = new Semaphore(limits.connections());
        ServerSocket socket = server.socket();
        long idle = limits.idle().toMillis();
        while (true) {
            slots.acquireUninterruptibly();
            boolean noneRunning = slots.availablePermits() == limits.connections() - 1;
            long left = idle - (System.nanoTime() - lastActivity.get()) / 1_000_000;
            if (left <= 0 && noneRunning) {
                return 0;
            }
            if (parentPid() != starter) {
                // xinetd is gone (stopped, or restarting): let go of its port at once, so that a new xinetd can
                // bind it, and finish what is running.
                return stop(slots, limits, 0);
            }
            Socket client;
            try {
                socket.setSoTimeout((int) (left > 0 ? Math.min(left, WATCH_MILLIS) : WATCH_MILLIS));
                client = socket.accept();
                lastActivity.set(System.nanoTime());
            } catch (SocketTimeoutException e) {
                slots.release();
                continue;
            } catch (IOException | RuntimeException e) {
                return stop(slots, limits, 1);
            }
            Thread worker = new Thread(new Serving(client, slots), "connection");
            worker.start();
        }
    }

    /**
     * This process's parent: when the starter exits, the kernel re-parents its children at once, whether or
     * not anyone has reaped the starter yet (a zombie still looks alive to ProcessHandle.isAlive).
     */
    private static long parentPid() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
    }

    /** Closes the listening socket, waits for the connections being served, and returns {@code code}. */
    private int stop(Semaphore slots, ListenerConfig.Residency limits, int code) {
        try {
            server.close();
        } catch (IOException e) {
            // closed already: either way this process no longer listens
        }
        slots.release();
        slots.acquireUninterruptibly(limits.connections());
        return code;
    }

    /** One accepted connection, served on its own thread; gives its slot back however it ends. */
    private final class Serving implements Runnable {
        private final Socket client;
        private final Semaphore slots;

        Serving(Socket client, Semaphore slots) {
            this.client = client;
            this.slots = slots;
        }

        @Override
        public void run() {
            try {
                listener.serve(Connection.accepted(client), client.getInputStream(), client.getOutputStream(),
                        configFile);
            } catch (IOException | RuntimeException e) {
                // The client is gone before its streams could be had; nothing was asked, nothing ran.
            } finally {
                try {
                    client.close();
                } catch (IOException e) {
                    // already closed by the reply's end
                }
                lastActivity.set(System.nanoTime());
                slots.release();
            }
        }
    }
}
