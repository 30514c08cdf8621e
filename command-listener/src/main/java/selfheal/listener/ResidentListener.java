package selfheal.listener;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * The listener handed a listening socket instead of a connection (xinetd {@code wait = yes}, systemd
 * {@code Accept=no}): one JVM accepts connection after connection and serves each exactly as a per-connection
 * process would (configuration re-read, allow, lock, budget, audit, reply, close), so the JVM's start is paid
 * once per busy period instead of once per request. At most {@code resident.connections} are served at once;
 * more wait in the kernel's backlog. After {@code resident.idle} without a connection, and with none running,
 * it exits: its starter listens again and starts a fresh one for the next connection.
 */
final class ResidentListener {
    private final CommandListener listener;
    private final ServerSocketChannel server;
    private final Path configFile;

    ResidentListener(CommandListener listener, ServerSocketChannel server, Path configFile) {
        this.listener = listener;
        this.server = server;
        this.configFile = configFile;
    }

    /** Serves until idle; 0 then, 1 if the listening socket fails (the starter then starts another). */
    int run() {
        // Read once: the limits of this run. Every connection re-reads the whole file for its request.
        ListenerConfig.Residency limits;
        try {
            limits = ListenerConfig.load(configFile).residency();
        } catch (ConfigException e) {
            limits = ListenerConfig.Residency.DEFAULT; // every request will answer ERR internal and say why
        }
        Semaphore slots = new Semaphore(limits.connections());
        ServerSocket socket = server.socket();
        while (true) {
            slots.acquireUninterruptibly();
            Socket client;
            try {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, limits.idle().toMillis()));
                client = socket.accept();
            } catch (SocketTimeoutException e) {
                slots.release();
                if (slots.availablePermits() == limits.connections()) {
                    return 0;
                }
                continue; // idle here, but a command is still running: wait for it
            } catch (IOException | RuntimeException e) {
                slots.release();
                slots.acquireUninterruptibly(limits.connections()); // let running requests finish first
                return 1;
            }
            Thread worker = new Thread(new Serving(client, slots), "connection");
            worker.start();
        }
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
                slots.release();
            }
        }
    }
}
