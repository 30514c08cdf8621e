package selfheal.heal;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The healing endpoint: started by xinetd or systemd once per connection, it reads one request line, runs
 * the whitelisted command it names (or answers ping/help), writes one reply line and exits. Handed a
 * listening socket instead, it serves connection after connection the same way ({@link ResidentListener}).
 * Also the operator's tool for {@code --check-config FILE} and {@code --reset NAME} ({@link OperatorModes}).
 * What runs and what is refused is decided in one place for every trigger, the {@link HealPath}; this class
 * reads the line for it and sends its reply.
 *
 * <p>Exit codes: 0 the reply was OK (or the config is valid, or the reset was done, or a resident listener
 * was idle), 1 refused or invalid, 2 usage error.
 */
public final class CommandListener {
    private final Supplier<Connection> connection;
    private final InstantSource clock;
    private final HealPath heal;

    CommandListener(Supplier<Connection> connection, InstantSource clock) {
        this.connection = connection;
        this.clock = clock;
        this.heal = new HealPath(clock);
    }

    public static void main(String[] args) {
        // Runtime.halt, not System.exit: nothing here needs a shutdown hook (the reply and the audit record
        // are written, unbuffered), and since JDK 21 System.exit first sets up System.Logger to log the exit.
        Runtime.getRuntime().halt(forThisProcess().run(System.in, new FileOutputStream(FileDescriptor.out), args));
    }

    /**
     * The listener on the connection this process was started on (also for tests that start a process).
     * InstantSource, not Clock.systemUTC(): a clock with a zone initialises ZoneOffset for nothing. The reply
     * goes to stdout's file descriptor directly: System.out's encoder is never needed, not even to close it.
     */
    static CommandListener forThisProcess() {
        return new CommandListener(new Inherited(), InstantSource.system());
    }

    /** The connection this process was started on (a class, not a lambda: see {@link LineReader}). */
    private static final class Inherited implements Supplier<Connection> {
        @Override
        public Connection get() {
            return Connection.inherited(System.getenv());
        }
    }

    /** Does the work of one process; never throws, never writes anything but its reply or report to out. */
    public int run(InputStream in, OutputStream out, String... args) {
        Invocation invocation;
        try {
            invocation = Invocation.parse(args);
        } catch (Invocation.Invalid e) {
            return print(out, "ERR internal usage: " + e.getMessage() + "; " + Invocation.USAGE, 2);
        }
        return switch (invocation.mode()) {
            case HELP -> print(out, Invocation.USAGE + "\nSee README.md: one request line in, one reply line out.", 0);
            case CHECK_CONFIG -> OperatorModes.checkConfig(out, invocation.config());
            case RESET -> OperatorModes.reset(out, connection.get().peer(), invocation.config(), invocation.name(),
                    clock);
            case WATCH -> watch(invocation.config());
            case EVIDENCE -> OperatorModes.evidence(out, connection.get().peer(), invocation.config(),
                    invocation.name(), invocation.file());
            case SERVE -> serve(in, out, invocation.config());
        };
    }

    /** The local watch, until the process is ended; its log goes to stdout. */
    private int watch(Path configFile) {
        try {
            return new Watch(configFile, clock, System.out, new CheckWorkerProbe())
                    .run(new java.util.concurrent.CountDownLatch(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    // ---- serving one connection ----------------------------------------------------------------------

    private int serve(InputStream in, OutputStream out, Path configFile) {
        Connection conn;
        try {
            conn = connection.get();
        } catch (RuntimeException | Error e) {
            conn = null;
        }
        if (conn != null && conn.listening() != null) {
            return new ResidentListener(this, conn.listening(), configFile).run();
        }
        return serve(conn, in, out, configFile);
    }

    /**
     * One request on one connection (null: the connection could not even be identified, so the request is
     * answered ERR internal): read, the {@link HealPath}, reply, close. Used by each per-connection process and
     * by each connection of a {@link ResidentListener}.
     */
    int serve(Connection conn, InputStream in, OutputStream out, Path configFile) {
        HealPath.Arrival arrival = heal.arrival();
        Handled handled;
        Optional<Path> audit = Optional.empty();
        ListenerConfig config = null;
        Connection answering = conn;
        boolean answered = true;
        try {
            if (conn == null) {
                throw new IllegalStateException("the connection could not be identified");
            }
            config = ListenerConfig.load(configFile);
            audit = Optional.of(config.auditLog());
            if (config.tls().isPresent() && !conn.peer().onHost()) {
                try {
                    answering = secure(conn, config);
                    handled = receive(arrival, answering.input(in), answering, config);
                } catch (TlsHandshake.Plaintext e) {
                    handled = plaintext(e, in, config);
                } catch (TlsHandshake.Refused e) {
                    // A TLS client could not read a plaintext reply: it sees its handshake fail.
                    handled = Handled.refused(Reply.error(Reply.Reason.DENIED), null, e.getMessage());
                    answered = false;
                }
            } else {
                handled = receive(arrival, in, conn, config);
            }
        } catch (ConfigException e) {
            audit = ListenerConfig.auditLogOf(configFile);
            handled = unconfigured(in, "configuration: " + e.getMessage());
        } catch (IOException | RuntimeException | Error e) {
            handled = Handled.crashed(e);
        }
        if (audit.isPresent()) {
            heal.audit(audit.get(), conn == null ? "unknown" : conn.peer().label(),
                    answering == null ? null : answering.peer().auditedClient(config), arrival, handled);
        }
        int code = handled.reply().ok() ? 0 : 1;
        if (answered) {
            try {
                print(answering == null ? out : answering.output(out), handled.reply().line(), code);
            } catch (IOException e) {
                // the client is gone; the audit log has the entry
            }
        }
        if (answering != null) {
            // The client reads EOF now, not after the JVM's exit and teardown.
            answering.finish(in, out, handled.lineComplete());
        }
        return code;
    }

    /**
     * The connection over TLS, its peer named by its certificate; refused without a handshake if the peer is
     * outside {@code allow}, which costs it nothing but a connection.
     */
    private static Connection secure(Connection conn, ListenerConfig config) throws TlsHandshake.Refused {
        if (!conn.peer().allowedBy(config)) {
            throw new TlsHandshake.Refused(Handled.NOT_IN_ALLOW + "; refused before the TLS handshake");
        }
        Duration firstByte = LineReader.FIRST_BYTE.compareTo(config.readTimeout()) < 0 ? LineReader.FIRST_BYTE
                : config.readTimeout();
        return conn.secure(config.tls().get(), firstByte, config.readTimeout());
    }

    /**
     * Plaintext on a TLS listener: the line is still read, so that the audit log shows what was asked, and
     * answered {@code ERR denied} in plaintext, which such a client can read.
     */
    private static Handled plaintext(TlsHandshake.Plaintext e, InputStream in, ListenerConfig config) {
        InputStream line = new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) e.first}), in);
        try {
            return Handled.refused(Reply.error(Reply.Reason.DENIED), LineReader.readLine(line, config.readTimeout()),
                    e.getMessage());
        } catch (LineReader.TooLong tooLong) {
            return Handled.refused(Reply.error(Reply.Reason.DENIED), tooLong.received(), e.getMessage());
        } catch (LineReader.Timeout | IOException unread) {
            return Handled.unread(Reply.error(Reply.Reason.DENIED), e.getMessage() + "; " + unread.getMessage());
        }
    }

    /** Audits a request refused before anything was read (a resident listener's accepting thread replies). */
    void refuseUnread(Connection conn, ListenerConfig config, Handled handled) {
        heal.audit(config.auditLog(), conn.peer().label(), conn.peer().auditedClient(config), heal.arrival(),
                handled);
    }

    /**
     * The network's part of the heal path: read the line under {@code read.timeout}, then hand it to
     * {@link HealPath#decide}. Answers by itself only when there is no line to hand over.
     */
    private Handled receive(HealPath.Arrival arrival, InputStream in, Connection conn, ListenerConfig config) {
        Peer peer = conn.peer();
        if (conn.accepted() && !peer.allowedBy(config)) {
            // A resident listener serves few connections at once: a refused peer must not hold one of them.
            return Handled.deniedBeforeReading();
        }
        Handled unread;
        try {
            return heal.decide(arrival, peer, LineReader.readLine(in, config.readTimeout()), config);
        } catch (LineReader.Timeout e) {
            unread = Handled.unread(Reply.error(Reply.Reason.TIMEOUT), e.getMessage());
        } catch (LineReader.TooLong e) {
            unread = Handled.refused(Reply.error(Reply.Reason.BAD_REQUEST), e.received(), e.getMessage());
        } catch (IOException e) {
            unread = Handled.unread(Reply.error(Reply.Reason.BAD_REQUEST), e.toString());
        }
        // A peer outside allow is told only that, nothing about what was wrong with its line.
        return peer.allowedBy(config) ? unread : unread.deniedInstead();
    }

    /** Still reads the line, so the audit log shows what was asked and the socket closes cleanly. */
    private static Handled unconfigured(InputStream in, String detail) {
        try {
            byte[] line = LineReader.readLine(in, ListenerConfig.DEFAULT_READ_TIMEOUT);
            return Handled.refused(Reply.error(Reply.Reason.INTERNAL), line, detail);
        } catch (LineReader.TooLong e) {
            return Handled.refused(Reply.error(Reply.Reason.INTERNAL), e.received(), detail);
        } catch (LineReader.Timeout | IOException e) {
            return Handled.unread(Reply.error(Reply.Reason.INTERNAL), detail);
        }
    }

    /** Writes {@code text} and its newline to the client or operator; returns {@code code}. */
    static int print(OutputStream out, String text, int code) {
        try {
            out.write((text + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // The client hung up; the audit log already has the entry.
        }
        return code;
    }
}
