package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers from workers.d/*.properties: each file its own worker's keys; a broken one costs only its own. */
class DropInTest {
    @TempDir
    Path tmp;
    private ListenerFixture fx;
    private Path workers;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
        workers = Files.createDirectories(tmp.resolve("workers.d"));
        Files.setPosixFilePermissions(workers, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path dropIn(String name, String... lines) throws IOException {
        Path file = workers.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    private Path worker(String name) throws IOException {
        return dropIn(name + ".properties",
                "# " + name + ", as its package drops it",
                "command." + name + "-restart = " + ListenerFixture.script("record.sh"),
                "command." + name + "-restart.args = " + fx.marker + " 0 " + name,
                "command." + name + "-restart.settle = 0",
                "command." + name + "-restart.budget = 3/1h",
                "watch." + name + ".url = http://127.0.0.1:9/health",
                "watch." + name + ".heal = " + name + "-restart");
    }

    @Test
    void twoWorkersFromTwoFilesAreHealedBesideTheMainFilesCommands() throws IOException, ConfigException {
        worker("bar");
        worker("baz");
        ListenerConfig config = ListenerConfig.load(fx.config);
        assertEquals(List.of("bar-restart", "baz-restart", "foo-restart"), List.copyOf(config.commands().keySet()));
        assertEquals(List.of("bar", "baz"), List.copyOf(config.watches().keySet()));
        assertTrue(fx.serve("bar-restart\n").startsWith("OK bar-restart exit=0 "));
        assertTrue(fx.serve("baz-restart\n").startsWith("OK baz-restart exit=0 "));
        assertEquals(4, fx.runs().size()); // a start and an end line each
        assertEquals("OK pong heals=bar-restart:remote=1,baz-restart:remote=1\n", fx.serve("ping\n"));
    }

    @Test
    void aBrokenThirdFileIsRefusedNamingFileAndLineWhileTheOthersStillHeal() throws IOException {
        worker("bar");
        worker("baz");
        Path broken = dropIn("qux.properties",
                "command.qux-restart = /nonexistent/restart.sh",
                "watch.qux.url = http://127.0.0.1:9/health",
                "watch.qux.heal = qux-restart");

        assertEquals("OK pong broken=qux.properties\n", fx.serve("ping\n"));
        assertTrue(fx.serve("bar-restart\n").startsWith("OK bar-restart exit=0 "));
        assertEquals("ERR unknown-command\n", fx.serve("qux-restart\n"));

        String report = fx.operator("--check-config", fx.config.toString());
        assertTrue(report.contains("OK " + workers.resolve("bar.properties") + ": commands bar-restart; watches bar"),
                report);
        assertTrue(report.contains("ERROR " + broken + ":1: command.qux-restart: /nonexistent/restart.sh does not"
                + " exist (the drop-in is refused; the other workers are healed)"), report);
        assertEquals(1, new CommandListener(() -> Connection.of(Peer.local()), InstantSource.system())
                .run(java.io.InputStream.nullInputStream(), new ByteArrayOutputStream(), "--check-config",
                        fx.config.toString()));
    }

    @Test
    void aDropInMayDefineOnlyItsOwnWorkers() throws IOException, ConfigException {
        Path file = dropIn("bar.properties",
                "command.bar-restart = " + ListenerFixture.script("record.sh"),
                "command.qux-restart = " + ListenerFixture.script("record.sh"),
                "allow = 0.0.0.0/0");
        ListenerConfig config = ListenerConfig.load(fx.config);
        assertEquals(List.of(
                file + ":3: allow: not a key of a drop-in (only command.<name>[.<attribute>] and"
                        + " watch.<name>.<attribute>; the main file holds the rest)",
                file + ":2: command.qux-restart: bar.properties may only define bar and bar-*, not qux-restart"),
                config.broken().get(0).problems());
        assertEquals(List.of("foo-restart"), List.copyOf(config.commands().keySet()));
    }

    @Test
    void aFileNamedForNoWorkerIsRefusedAndPingShowsItsNameInSafeCharacters() throws IOException {
        Path file = dropIn("bar x.properties", "command.bar-restart = " + ListenerFixture.script("record.sh"));
        assertEquals("OK pong broken=bar_x.properties\n", fx.serve("ping\n"));
        String report = fx.operator("--check-config", fx.config.toString());
        assertTrue(report.contains("ERROR " + file + ": the file's name must be <worker>.properties"), report);
    }

    @Test
    void aKeyMayBeSetInOneFileOnly() throws IOException, ConfigException {
        // read in name order: bar-x.properties before bar.properties ('-' sorts before '.')
        dropIn("bar-x.properties", "command.bar-x-restart = " + ListenerFixture.script("record.sh"));
        Path second = dropIn("bar.properties", "", "command.bar-x-restart = " + ListenerFixture.script("fail.sh"));
        ListenerConfig config = ListenerConfig.load(fx.config);
        assertEquals(List.of(second + ":2: command.bar-x-restart: set in " + workers.resolve("bar-x.properties")
                + " already; a key may be set in one file only"), config.broken().get(0).problems());
        assertEquals(ListenerFixture.script("record.sh"), config.commands().get("bar-x-restart").executable());
    }

    @Test
    void aDropInOthersMayWriteIsRefusedAsTheMainFileWouldBe() throws IOException, ConfigException {
        Path file = worker("bar");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(List.of(file + ": writable by group or others (mode 666); whoever can write it chooses what"
                + " the listener runs"), ListenerConfig.load(fx.config).broken().get(0).problems());
    }

    @Test
    void watchOptionsCheckWorkerWouldRefuseRefuseTheDropInForTheWatchAndCheckConfigOnly() throws Exception {
        worker("bar");
        Path file = dropIn("baz.properties",
                "command.baz-restart = " + ListenerFixture.script("record.sh"),
                "watch.baz.url = http://127.0.0.1:9/health",
                "watch.baz.heal = baz-restart",
                "watch.baz.args = --stale nothing-given");
        ListenerConfig watched = ListenerConfig.load(fx.config, config -> CheckWorkerProbe.problems(config));
        assertEquals(List.of("bar"), List.copyOf(watched.watches().keySet()));
        assertTrue(watched.broken().get(0).problems().get(0).startsWith(file + ":4: watch.baz.args: check_worker"
                + " would refuse it: bad --stale 'nothing-given'"), watched.broken().get(0).problems().toString());
        String report = fx.operator("--check-config", fx.config.toString());
        assertTrue(report.contains("ERROR " + file + ":4: watch.baz.args: check_worker would refuse it"), report);
        // The per-connection listener never reads a watch's options: baz-restart is served.
        assertTrue(fx.serve("baz-restart\n").startsWith("OK baz-restart exit=0 "));
    }

    @Test
    void describeNamesEachWorkersStatusUrlHealBudgetAndSettleAndNoScript() throws IOException {
        worker("bar");
        assertEquals("OK describe 1\nworker bar url=http://127.0.0.1:9/health port=9 heal=bar-restart budget=3/1h"
                + " settle=0.00s\n", fx.serve("describe\n"));
        assertEquals("ERR bad-request describe arguments-not-allowed\n", fx.serve("describe foo\n"));
    }

    @Test
    void theWatchReadsTheDirectoryAgainOnReloadAndLogsABrokenDropIn() throws Exception {
        fx.set("watch.foo.url", "http://127.0.0.1:9/health").set("watch.foo.heal", "foo-restart");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        Watch watch = new Watch(fx.config, InstantSource.system(), out,
                spec -> new WorkerWatch.Reading("OK", "OK"));
        CountDownLatch stop = new CountDownLatch(1);
        Thread running = new Thread(() -> {
            try {
                watch.run(stop);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        running.start();
        try {
            worker("bar");
            Path broken = dropIn("qux.properties", "command.qux-restart = /nonexistent/restart.sh");
            watch.reload();
            String text = log.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("reloaded " + fx.config + ": 2 workers watched"), text);
            assertTrue(text.contains("ERROR drop-in refused, its workers are not watched: " + broken
                    + ":1: command.qux-restart: /nonexistent/restart.sh does not exist"), text);
            Files.delete(workers.resolve("bar.properties"));
            watch.reload();
            text = log.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("bar: no longer watched"), text);
        } finally {
            stop.countDown();
            running.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
