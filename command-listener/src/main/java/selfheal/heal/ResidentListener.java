package selfheal.heal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener handed a listening socket instead of a connection (xinetd {@code wait = yes}, systemd
 * {@code Accept=no}): one JVM accepts connection after connection and serves each exactly as a per-connection
 * process would (configuration re-read, allow, lock, budget, audit, reply, close), so the JVM's start is paid
 * once per busy period instead of once per request. It accepts every connection at once, so none waits in the
 * kernel's backlog behind silent ones: at most {@code resident.connections} are served at once and at most
 * {@code resident.per-source} from one address; a connection beyond either limit is answered {@code ERR busy}
 * and closed on the spot, before anything is read. After {@code resident.idle} without a connection, counted
 * from the last one's end, it exits: its starter listens again and starts a fresh one for the next
 * connection. It also stops listening within {@link #WATCH_MILLIS} ms once its starter has gone (xinetd
 * stopped or restarting), because it would otherwise hold the port that a new xinetd must bind.
 */
final class ResidentListener {
    /** How often the accept loop looks whether its starter is still there. */
    private static final long WATCH_MILLIS = 200;

    private final CommandListener listener;
    private final ServerSocketChannel server;
    private final Path configFile;
    /** When the last connection was accepted or ended: the idle time counts from there. */
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());
    private final AllowList allowList;
    /** Per address outside allow: its last audited refusal; used by the accepting thread only. */
    private final Map<InetAddress, long[]> deniedRecords = new HashMap<>();
    /** The connections being served, in all and per source address; guarded by this. */
    private int serving;
    private final Map<InetAddress, Integer> perSource = new HashMap<>();

    ResidentListener(CommandListener listener, ServerSocketChannel server, Path configFile) {
        this.listener = listener;
        this.server = server;
        this.configFile = configFile;
        this.allowList = new AllowList(configFile);
    }

    /** Serves until idle or orphaned; 0 then, 1 if the listening socket fails (the starter starts another). */
    int run() {
        // Read once: the limits of this run. Every connection re-reads the whole file for its request.
        ListenerConfig.Residency limits;
        try {
            ListenerConfig config = ListenerConfig.load(configFile);
            limits = config.residency();
            logBroken(config);
        } catch (ConfigException e) {
            limits = ListenerConfig.Residency.DEFAULT; // every request will answer ERR internal and say why
        }
        // Every connection re-reads the configuration; SIGHUP only says at once what is wrong with it now.
        Signals.onHangup(new Runnable() {
            @Override
            public void run() {
                try {
                    logBroken(ListenerConfig.load(configFile));
                } catch (ConfigException e) {
                    log("ERROR " + configFile + ": " + e.getMessage());
                }
            }
        });
        long starter = parentPid();
        ServerSocket socket = server.socket();
        long idle = limits.idle().toMillis();
        long watched = System.nanoTime();
        while (true) {
            long left = idle - (System.nanoTime() - lastActivity.get()) / 1_000_000;
            if (left <= 0 && serving() == 0) {
                return 0;
            }
            long now = System.nanoTime();
            if (now - watched >= WATCH_MILLIS * 1_000_000) {
                // (not on every connection: reading /proc would slow accepting down during a flood)
                watched = now;
                if (parentPid() != starter) {
                    // xinetd is gone (stopped, or restarting): let go of its port at once, so that a new xinetd
                    // can bind it, and finish what is running.
                    return stop(0);
                }
            }
            Socket client;
            try {
                socket.setSoTimeout((int) (left > 0 ? Math.min(left, WATCH_MILLIS) : WATCH_MILLIS));
                client = socket.accept();
                lastActivity.set(System.nanoTime());
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException | RuntimeException e) {
                return stop(1);
            }
            Connection connection = Connection.accepted(client);
            ListenerConfig config = allowList.current();
            if (config != null && !connection.peer().allowedBy(config)) {
                // Outside allow: refused here, on the accepting thread, so that a flood from such an address
                // takes no slot and costs no thread: accepting stays faster than the flood can connect.
                auditDenied(connection, client.getInetAddress(), config);
                refuse(client, Reply.error(Reply.Reason.DENIED));
                continue;
            }
            InetAddress source = client.getInetAddress();
            if (admit(source, limits)) {
                new Thread(new Serving(client, source), "connection").start();
            } else {
                refuse(client, Reply.error(Reply.Reason.BUSY));
            }
        }
    }

    /**
     * The configuration as last read, for the address check on the accepting thread: read again only when the
     * file's modification time or size has changed (one stat per connection), so an edit of allow takes effect
     * at the next connection as everywhere else. Null while the file is invalid: each connection then goes
     * its usual way and is answered ERR internal.
     */
    private static final class AllowList {
        private final Path file;
        private long modified = -1;
        private long size = -1;
        private ListenerConfig config;

        AllowList(Path file) {
            this.file = file;
        }

        ListenerConfig current() {
            java.io.File f = file.toFile();
            long m = f.lastModified();
            long n = f.length();
            if (m != modified || n != size || config == null) {
                modified = m;
                size = n;
                try {
                    config = ListenerConfig.load(file);
                } catch (ConfigException | RuntimeException e) {
                    config = null;
                }
            }
            return config;
        }
    }

    /** Each problem of a refused drop-in: its workers are not healed until it is fixed. */
    private static void logBroken(ListenerConfig config) {
        for (DropIn dropIn : config.broken()) {
            for (String problem : dropIn.problems()) {
                log("ERROR drop-in refused, its workers are not healed: " + problem);
            }
        }
    }

    /**
     * A line to stderr (the journal under systemd), unless stderr is a socket: xinetd passes its listening
     * socket as fd 2 too, and no client may read the listener's log.
     */
    private static void log(String line) {
        if (!Connection.isSocket(2)) {
            System.err.println(line);
            System.err.flush();
        }
    }

    /**
     * Audits a refusal of an address outside allow, at most once a second per address: a flood would
     * otherwise cost a write per connection on the accepting thread, and fill the audit log. The next record
     * of that address counts the refusals that went without one.
     */
    private void auditDenied(Connection connection, InetAddress source, ListenerConfig config) {
        long now = System.nanoTime();
        long[] last = deniedRecords.get(source); // {when recorded, refusals since}
        if (last != null && now - last[0] < 1_000_000_000L) {
            last[1]++;
            return;
        }
        if (deniedRecords.size() >= 1024) {
            deniedRecords.clear(); // a flood from many addresses: forget, rather than grow
        }
        deniedRecords.put(source, new long[] {now, 0});
        listener.refuseUnread(connection, config, Handled.deniedBeforeReading(last == null ? 0 : last[1]));
    }

    /** Takes a slot for a connection from {@code source}, if both limits leave one. */
    private synchronized boolean admit(InetAddress source, ListenerConfig.Residency limits) {
        int fromSource = perSource.getOrDefault(source, 0);
        if (serving >= limits.connections() || fromSource >= limits.perSource()) {
            return false;
        }
        serving++;
        perSource.put(source, fromSource + 1);
        return true;
    }

    private synchronized void release(InetAddress source) {
        serving--;
        perSource.computeIfPresent(source, (address, n) -> n > 1 ? n - 1 : null);
        notifyAll();
    }

    private synchronized int serving() {
        return serving;
    }

    /**
     * Answers {@code reply} on the accepting thread, without reading the request, and closes: the client learns
     * at once, instead of waiting in the backlog. What the client already sent is swallowed first, so that the
     * close sends no RST that could destroy the reply.
     */
    private static void refuse(Socket client, Reply reply) {
        try (client) {
            client.getOutputStream().write((reply.line() + "\n").getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            InputStream in = client.getInputStream();
            int waiting = in.available();
            if (waiting > 0) {
                in.skip(waiting);
            }
        } catch (IOException e) {
            // the client is gone already
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
    private int stop(int code) {
        try {
            server.close();
        } catch (IOException e) {
            // closed already: either way this process no longer listens
        }
        synchronized (this) {
            while (serving > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return code;
                }
            }
        }
        return code;
    }

    /** One accepted connection, served on its own thread; gives its slot back however it ends. */
    private final class Serving implements Runnable {
        private final Socket client;
        private final InetAddress source;

        Serving(Socket client, InetAddress source) {
            this.client = client;
            this.source = source;
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
                release(source);
            }
        }
    }
}
