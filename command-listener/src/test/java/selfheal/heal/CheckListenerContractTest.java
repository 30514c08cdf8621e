package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import selfheal.check.listener.CheckListener;

/**
 * The contract between the two ends of the reply grammar: check_listener, run in-process, against this
 * listener serving a real socket on 127.0.0.1. Each reply the listener gives to {@code ping} ({@link Reply})
 * must be judged as check_listener's README says; a change to either end fails here, in seconds.
 */
class CheckListenerContractTest {
    @TempDir
    Path tmp;
    ListenerFixture fx;
    ServerSocketChannel server;
    int port;
    final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
                server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close(); // the resident listener's accept fails: it returns
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
    }

    /**
     * One check_listener run against a resident listener on the socket: its exit code and output. The listener
     * stops when the socket is closed after each test.
     */
    private String check() {
        CommandListener listener = new CommandListener(() -> Connection.of(Peer.local()), Clock.systemUTC());
        pool.submit(() -> new ResidentListener(listener, server, fx.config).run());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = new CheckListener().run(new String[] {"-H", "127.0.0.1", "-p", Integer.toString(port), "-t", "5"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return exit + " " + bytes.toString(StandardCharsets.UTF_8);
    }

    private String where() {
        return "127.0.0.1:" + port;
    }

    @Test
    void pongIsOk() throws Exception {
        String out = check();
        assertTrue(out.startsWith("0 LISTENER OK - pong from " + where() + " in "), out);
        assertTrue(out.contains("| 'time'="), out);
    }

    @Test
    void exhaustedBudgetsAreCriticalNamingEachAndTheReset() throws Exception {
        fx.command("bar-restart", "record.sh", fx.marker.toString());
        fx.set("command.foo-restart.budget", "1/1h").set("command.bar-restart.budget", "1/1h");
        for (String name : new String[] {"foo-restart", "bar-restart"}) {
            assertTrue(fx.serve(name + "\n").startsWith("OK " + name + " "));
            assertEquals("ERR budget-exhausted " + name + " 1/1h\n", fx.serve(name + "\n"));
        }
        assertEquals("OK pong heals=bar-restart:remote=1,foo-restart:remote=1"
                + " budget-exhausted=bar-restart,foo-restart\n", fx.serve("ping\n"));

        String out = check();
        assertTrue(out.startsWith("2 LISTENER CRITICAL - restart budget exhausted for bar-restart, foo-restart"
                + " (command-listener --reset NAME on 127.0.0.1), pong from " + where() + " in "), out);
        assertTrue(out.contains(" s, bar-restart: 1 heal in 1h (remote 1), foo-restart: 1 heal in 1h (remote 1) |"),
                out);
    }

    /** A run of the local watch, in-process, as {@code command-listener --watch} asks for it. */
    private void watchHeals(String name) throws ConfigException {
        Handled handled = new HealPath(Clock.systemUTC()).handle(Peer.inProcess("watch"),
                name.getBytes(StandardCharsets.US_ASCII), ListenerConfig.load(fx.config));
        assertTrue(handled.reply().line().startsWith("OK " + name + " exit=0 "), handled.reply().line());
    }

    @Test
    void everyHealOfTheLastHourIsInThePerfdataPerCommandAndTrigger() throws Exception {
        watchHeals("foo-restart");
        watchHeals("foo-restart");
        assertTrue(fx.serve("foo-restart\n").startsWith("OK foo-restart exit=0 "));

        String out = check();
        assertTrue(out.startsWith("0 LISTENER OK - pong from " + where() + " in "), out);
        assertTrue(out.contains(" s, foo-restart: 3 heals in 1h (watch 2, remote 1) | 'time'="), out);
        assertTrue(out.endsWith("s;;;0;5 'foo-restart_watch'=2;;;0 'foo-restart_local'=0;;;0"
                + " 'foo-restart_remote'=1;;;0\n"), out);
    }

    @Test
    void aCommandHealedMoreOftenThanItsFlapAllowsIsAWarningNamingIt() throws Exception {
        fx.set("command.foo-restart.flap", "2/1h");
        watchHeals("foo-restart");
        watchHeals("foo-restart");
        assertTrue(check().startsWith("0 LISTENER OK - "));
        assertTrue(fx.serve("foo-restart\n").startsWith("OK foo-restart exit=0 "));

        String out = check();
        assertTrue(out.startsWith("1 LISTENER WARNING - foo-restart flapping: 3 heals in 1h (watch 2, remote 1),"
                + " pong from " + where() + " in "), out);
    }

    @Test
    void aRefusedDropInIsAWarningNamingItAndTheResidentListenerLogsWhy() throws Exception {
        Path workers = Files.createDirectories(tmp.resolve("workers.d"));
        Files.setPosixFilePermissions(workers, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path broken = Files.writeString(workers.resolve("qux.properties"), "command.qux-restart = /nonexistent/x.sh\n");
        Files.setPosixFilePermissions(broken, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        java.io.PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        String out;
        try {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            out = check();
        } finally {
            System.setErr(stderr);
        }
        assertTrue(out.startsWith("1 LISTENER WARNING - drop-in qux.properties refused, its workers are not healed"
                + " (command-listener --check-config on 127.0.0.1 says why), pong from " + where() + " in "), out);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("ERROR drop-in refused, its workers are not healed: "
                + broken + ":1: command.qux-restart: /nonexistent/x.sh does not exist"), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDeniedPeerIsCriticalAndTheReplyIsQuoted() throws Exception {
        fx.set("allow", "192.0.2.1");
        String out = check();
        assertTrue(out.startsWith("2 LISTENER CRITICAL - unexpected reply from " + where() + ": 'ERR denied'"), out);
    }

    @Test
    void aListenerWithoutAValidConfigurationIsCritical() throws Exception {
        Files.writeString(fx.config, "state.dir = relative/path\n");
        String out = check();
        assertTrue(out.startsWith("2 LISTENER CRITICAL - unexpected reply from " + where() + ": 'ERR internal'"),
                out);
    }

    @Test
    void anAuditLogThatCannotBeWrittenIsCritical() throws Exception {
        Files.createSymbolicLink(fx.auditLog, Path.of("/dev/null"));
        String out = check();
        assertTrue(out.startsWith("2 LISTENER CRITICAL - unexpected reply from " + where() + ": 'ERR audit'"), out);
    }

    @Test
    void aDamagedBudgetLedgerIsCriticalAndNamesTheCommand() throws Exception {
        fx.set("command.foo-restart.budget", "1/1h");
        Files.writeString(fx.stateDir.resolve("foo-restart.runs"), "17", StandardCharsets.US_ASCII);
        String out = check();
        assertTrue(out.startsWith("2 LISTENER CRITICAL - unexpected reply from " + where()
                + ": 'ERR state foo-restart'"), out);
    }
}
