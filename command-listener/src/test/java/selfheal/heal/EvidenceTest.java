package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence stage of the heal path, with the real scripts of src/test/scripts, real processes and the real
 * file system (the demo worker's own evidence is in healing-loop's EvidenceIT): the id in the reply and the
 * audit record, a hanging evidence script, a worker that is gone, retention, the size cap, who may read.
 */
class EvidenceTest {
    private static final Pattern ID = Pattern.compile(" evidence=([0-9]{8}T[0-9]{6}Z-foo-restart(\\.[0-9]+)?)$");

    @TempDir
    Path tmp;
    ListenerFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        // Open to everyone on the way, so that only a bundle's own modes keep other users out.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        fx = new ListenerFixture(tmp);
        Files.setPosixFilePermissions(fx.stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Handled heal() throws ConfigException {
        return new HealPath(Clock.systemUTC()).handle(Peer.inProcess("watch"),
                "foo-restart".getBytes(StandardCharsets.US_ASCII), ListenerConfig.load(fx.config),
                new WorkerWatch.Reading("CRITICAL", "WORKER CRITICAL - health+json fail"));
    }

    private static String idOf(Handled handled) {
        Matcher m = ID.matcher(handled.reply().line());
        assertTrue(m.find(), handled.reply().line());
        return m.group(1);
    }

    private Path bundle(String id) {
        return fx.stateDir.resolve("evidence").resolve(id);
    }

    private Path log(String name, int lines) throws IOException {
        Path log = tmp.resolve(name);
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            text.append("line ").append(i).append(" of the worker's log\n");
        }
        Files.writeString(log, text);
        return log;
    }

    @Test
    void theBundlesIdIsInTheReplyAndTheOutcomeRecordAndTheBundleHoldsTheWatchsReadingAndTheLogTail()
            throws Exception {
        fx.set("command.foo-restart.evidence.logs", log("worker.log", 500).toString());
        fx.set("command.foo-restart.evidence.lines", "3");

        Handled handled = heal();

        assertTrue(handled.reply().line().matches("OK foo-restart exit=0 [0-9.]+s evidence=\\S+"),
                handled.reply().line());
        String id = idOf(handled);
        String outcome = fx.outcomes().get(0);
        assertTrue(outcome.contains(" evidence=" + id + " "), outcome);
        assertEquals(2, fx.runs().size(), "the heal ran");
        assertEquals("status: CRITICAL\nline: WORKER CRITICAL - health+json fail\n",
                Files.readString(bundle(id).resolve("watch.txt")));
        assertTrue(Files.readString(bundle(id).resolve("log-worker.log.txt")).endsWith(
                "\nline 498 of the worker's log\nline 499 of the worker's log\nline 500 of the worker's log\n"));
        String summary = Files.readString(bundle(id).resolve("SUMMARY.txt"));
        assertTrue(summary.startsWith("evidence " + id + "\ncommand: foo-restart\n"
                + "trigger: watch (CRITICAL: WORKER CRITICAL - health+json fail)\n"), summary);
    }

    @Test
    void theWatchsHealKeepsTheReadingThatTriggeredIt() throws Exception {
        fx.set("watch.foo.url", "http://127.0.0.1:8081/health");
        fx.set("watch.foo.heal", "foo-restart");
        fx.set("watch.foo.after", "1");
        fx.set("watch.foo.grace", "0.1");
        fx.set("command.foo-restart.evidence.lines", "10");
        ListenerConfig config = ListenerConfig.load(fx.config);
        List<String> log = new java.util.ArrayList<>();
        WorkerWatch watch = new WorkerWatch(config.watches().get("foo"), () -> config,
                spec -> new WorkerWatch.Reading("CRITICAL", "WORKER CRITICAL - health+json fail, failing:"
                        + " worker:heartbeat (fail)"), new HealPath(Clock.systemUTC()), System::nanoTime, log::add);
        Thread.sleep(150); // its grace

        watch.round();

        assertEquals(List.of("status: CRITICAL", "line: WORKER CRITICAL - health+json fail, failing: worker:heartbeat"
                + " (fail)"), Files.readAllLines(bundle(ids().get(0)).resolve("watch.txt")), log.toString());
        assertTrue(log.get(log.size() - 1).contains(" evidence=" + ids().get(0)), log.toString());
    }

    @Test
    void aFailedRunsReplyNamesItsEvidenceToo() throws Exception {
        fx.command("foo-restart", "fail.sh", "");
        fx.set("command.foo-restart.evidence.logs", log("worker.log", 10).toString());

        Handled handled = heal();

        assertTrue(handled.reply().line().matches("ERR failed foo-restart exit=3 [0-9.]+s evidence=\\S+"),
                handled.reply().line());
        assertTrue(Files.isDirectory(bundle(idOf(handled))));
    }

    @Test
    void aHangingEvidenceScriptIsKilledWithItsChildrenAtItsLimitAndTheHealStillRuns() throws Exception {
        Path childPid = tmp.resolve("child.pid");
        fx.set("command.foo-restart.evidence.script", ListenerFixture.script("hang.sh").toString());
        fx.set("command.foo-restart.evidence.args", childPid.toString());
        fx.set("command.foo-restart.evidence.script-timeout", "1");
        fx.set("command.foo-restart.evidence.timeout", "4");

        long start = System.nanoTime();
        Handled handled = heal();
        double seconds = (System.nanoTime() - start) / 1e9;

        assertTrue(handled.reply().ok(), handled.reply().line());
        assertEquals(2, fx.runs().size(), "the heal ran");
        assertTrue(seconds < 3, "the script was not killed at its 1 s limit: the heal took " + seconds + " s");
        String script = Files.readString(bundle(idOf(handled)).resolve("script.txt"));
        assertTrue(script.endsWith("(killed at its time limit)\n"), script);
        long child = Long.parseLong(Files.readString(childPid).strip());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // KILL lands a moment after kill(1) returns
        while (alive(child) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertFalse(alive(child), "the script's child " + child + " outlived it");
    }

    /** Not exited: a zombie has (no subreaper may be reaping it here). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aJvmOfAnotherUserIsDumpedAsThatUserAndTheSummaryNamesTheThreadTheHeartbeatWaitsFor() throws Exception {
        Assumptions.assumeTrue(ListenerFixture.runsAsRoot(), "running a JVM as nobody needs root");
        Path source = tmp.resolve("Stuck.java");
        Files.copy(Path.of("src/test/resources/selfheal/heal/evidence/Stuck.java"), source);
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
        Process stuck = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "env", "-i", "PATH=" + ScriptRunner.PATH, "java", "-XX:+UseSerialGC", source.toString())
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    stuck.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            long jvm = stuck.toHandle().descendants().map(ProcessHandle::pid).findFirst().orElse(stuck.pid());
            Path pidfile = tmp.resolve("stuck.pid");
            Files.writeString(pidfile, jvm + "\n");
            fx.set("command.foo-restart.evidence.pidfile", pidfile.toString());
            fx.set("command.foo-restart.evidence.timeout", "20");

            Path bundle = bundle(idOf(heal()));

            String threads = Files.readString(bundle.resolve("threads.txt"));
            assertTrue(threads.startsWith("/usr/sbin/runuser -u nobody -- "), threads);
            assertTrue(threads.contains("\n\"heartbeat\" #"), threads);
            assertTrue(Files.readString(bundle.resolve("process.txt")).contains("\nUser: nobody\n"));
            String summary = Files.readString(bundle.resolve("SUMMARY.txt"));
            assertTrue(summary.contains("\nsuspicious thread: \"order-writer\" TIMED_WAITING (sleeping), holds <"),
                    summary);
            assertTrue(summary.contains(">, which the heartbeat thread \"heartbeat\" waits for\n    at "), summary);
            assertTrue(Files.readString(bundle.resolve("heap.txt")).contains("def new generation")
                    || Files.readString(bundle.resolve("heap.txt")).contains("DefNew"),
                    Files.readString(bundle.resolve("heap.txt")));
        } finally {
            stuck.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            stuck.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWorkerThatIsGoneIsNotedNotRunningWithoutWaiting() throws Exception {
        Process gone = new ProcessBuilder("/bin/true").start();
        gone.waitFor(5, TimeUnit.SECONDS);
        Path pidfile = tmp.resolve("worker.pid");
        Files.writeString(pidfile, gone.pid() + "\n");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        fx.set("command.foo-restart.evidence.pidfile", pidfile.toString());
        fx.set("command.foo-restart.evidence.url", "http://127.0.0.1:" + closed + "/health");

        String id = idOf(heal());

        assertEquals("not running (pidfile " + pidfile + " names " + gone.pid() + ", which is not alive)\n",
                Files.readString(bundle(id).resolve("process.txt")));
        assertTrue(Files.readString(bundle(id).resolve("status.txt")).contains("Connection refused"));
        String summary = Files.readString(bundle(id).resolve("SUMMARY.txt"));
        Matcher took = Pattern.compile("\ncollected in: ([0-9.]+)s\n").matcher(summary);
        assertTrue(took.find(), summary);
        assertTrue(Double.parseDouble(took.group(1)) < 0.3, summary);
    }

    @Test
    void aUnitWhosePidSystemdCannotTellIsUnknownNotNotRunning() throws Exception {
        fx.set("command.foo-restart.evidence.unit", "no-such-unit-" + ProcessHandle.current().pid() + ".service");

        String process = Files.readString(bundle(idOf(heal())).resolve("process.txt"));

        // Under systemd a unit that does not exist has MainPID 0; without systemd, systemctl fails.
        Process asked = new ProcessBuilder("systemctl", "show", "-p", "MainPID", "--value", "no-such.service")
                .redirectErrorStream(true).start();
        asked.getInputStream().readAllBytes();
        assertTrue(asked.waitFor(10, TimeUnit.SECONDS));
        if (asked.exitValue() == 0) {
            assertTrue(process.startsWith("not running (unit no-such-unit-"), process);
        } else {
            assertTrue(process.startsWith("unknown (systemctl show -p MainPID --value no-such-unit-"), process);
        }
    }

    @Test
    void theNewestBundlesAreKeptPerCommandAndWithinTheTotalSize() throws Exception {
        fx.set("command.foo-restart.evidence.logs", log("worker.log", 3000).toString()); // about 100 KiB a bundle
        fx.set("command.foo-restart.evidence.lines", "100000");
        fx.set("evidence.keep", "3");

        String[] ids = new String[5];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idOf(heal());
        }
        assertEquals(List.of(ids[2], ids[3], ids[4]), ids(), "evidence.keep = 3");

        fx.set("command.foo-restart.evidence.max-size", "128K");
        fx.set("evidence.max-total", "250K");
        String last = idOf(heal());
        assertEquals(List.of(ids[4], last), ids(), "evidence.max-total = 250K holds two bundles of ~100 KiB");
    }

    private List<String> ids() throws IOException {
        return EvidenceStore.list(fx.stateDir).stream().map(EvidenceStore.Bundle::id).toList();
    }

    @Test
    void aBundleIsCutToItsSizeCapAndSaysSo() throws Exception {
        fx.set("command.foo-restart.evidence.logs", log("big.log", 20000).toString()); // about 600 KiB
        fx.set("command.foo-restart.evidence.lines", "100000");
        fx.set("command.foo-restart.evidence.max-size", "64K");

        String id = idOf(heal());

        assertTrue(EvidenceStore.size(bundle(id)) <= 64 * 1024, EvidenceStore.size(bundle(id)) + " bytes");
        assertTrue(Files.readString(bundle(id).resolve("log-big.log.txt")).contains("\n...(cut at evidence.max-size: "));
        assertTrue(Files.readString(bundle(id).resolve("SUMMARY.txt")).contains("\ncut at the size cap: log-big.log.txt\n"));
    }

    @Test
    void otherUsersCannotReadABundleButTheOperatorGroupCan() throws Exception {
        fx.set("command.foo-restart.evidence.logs", log("worker.log", 10).toString());
        Path summary = bundle(idOf(heal())).resolve("SUMMARY.txt");

        assertNotEquals(0, runAs("nobody", "nogroup", "cat", summary), "nobody read " + summary);
        assertNotEquals(0, runAs("nobody", "nogroup", "ls", summary.getParent()), "nobody listed the bundle");

        fx.set("evidence.group", "nogroup");
        Path shared = bundle(idOf(heal())).resolve("SUMMARY.txt");
        assertEquals(0, runAs("nobody", "nogroup", "cat", shared), "a member of evidence.group could not read " + shared);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
    }

    /** PROGRAM PATH as USER in GROUP only (setpriv, as root); its exit code. */
    private static int runAs(String user, String group, String program, Path path) throws Exception {
        Process cat = new ProcessBuilder("setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups",
                program, path.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(cat.waitFor(10, TimeUnit.SECONDS));
        return cat.exitValue();
    }

    @Test
    void evidenceThatCannotBeWrittenIsRecordedAsNoneAndTheHealStillRuns() throws Exception {
        fx.set("command.foo-restart.evidence.logs", log("worker.log", 10).toString());
        Files.writeString(fx.stateDir.resolve("evidence"), "a file where the evidence directory goes");

        Handled handled = heal();

        assertTrue(handled.reply().line().matches("OK foo-restart exit=0 [0-9.]+s"), handled.reply().line());
        assertEquals(2, fx.runs().size(), "the heal ran");
        String outcome = fx.outcomes().get(0);
        assertTrue(outcome.contains(" evidence=\"none (not written: "), outcome);
    }

    @Test
    void onAFullDiskTheEvidenceIsDroppedSaidSoAndTheHealStillRuns() throws Exception {
        fx.set("command.foo-restart.evidence.logs", log("worker.log", 2000).toString());
        Path root = Files.createDirectory(fx.stateDir.resolve("evidence"));
        Assumptions.assumeTrue(ListenerFixture.runsAsRoot(), "mounting a tmpfs needs root");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k,mode=0750", "tmpfs",
                root.toString()).redirectErrorStream(true).start();
        Assumptions.assumeTrue(mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0, "mount failed");
        try {
            try (java.io.OutputStream out = Files.newOutputStream(root.resolve("filler"))) {
                while (true) {
                    out.write(new byte[4096]);
                    out.flush();
                }
            } catch (IOException full) {
                // the file system is full
            }

            Handled handled = heal();

            assertTrue(handled.reply().line().matches("OK foo-restart exit=0 [0-9.]+s"), handled.reply().line());
            assertEquals(2, fx.runs().size(), "the heal ran");
            String outcome = fx.outcomes().get(0);
            assertTrue(outcome.contains(" evidence=\"none (disk full: "), outcome);
            assertEquals(List.of(), ids(), "the partial bundle was removed");
        } finally {
            new ProcessBuilder("umount", "-l", root.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theStatusUrlIsTheWatchsWhenNoneIsGiven() throws Exception {
        fx.set("watch.foo.url", "http://127.0.0.1:8081/health");
        fx.set("watch.foo.heal", "foo-restart");
        fx.set("command.foo-restart.evidence.lines", "10");

        assertEquals("http://127.0.0.1:8081/health", ListenerConfig.load(fx.config).evidence().spec("foo-restart")
                .orElseThrow().url().orElseThrow().toString());
    }

    @Test
    void theOperatorListsBundlesAndShowsOne() throws Exception {
        fx.set("command.foo-restart.evidence.logs", log("worker.log", 10).toString());
        String id = idOf(heal());

        String all = fx.operator("--config", fx.config.toString(), "--evidence");
        assertTrue(all.matches(Pattern.quote(id) + "  [0-9]+ bytes  watch \\(CRITICAL: WORKER CRITICAL - health\\+json"
                + " fail\\)\n"), all);
        assertEquals(all, fx.operator("--config", fx.config.toString(), "--evidence", "foo-restart"));
        assertTrue(fx.operator("--config", fx.config.toString(), "--evidence", "bar-restart").startsWith(
                "no evidence kept for bar-restart"));
        String one = fx.operator("--config", fx.config.toString(), "--evidence", id);
        assertTrue(one.startsWith("evidence " + id + "\n"), one);
        assertTrue(one.contains("\n  log-worker.log.txt "), one);
        assertTrue(fx.operator("--config", fx.config.toString(), "--evidence", id, "log-worker.log.txt")
                .endsWith("line 10 of the worker's log\n"));
        java.io.ByteArrayOutputStream remote = new java.io.ByteArrayOutputStream();
        new CommandListener(() -> Connection.of(Peer.remote(IpAddress.parse("127.0.0.1"))), Clock.systemUTC())
                .run(new java.io.ByteArrayInputStream(new byte[0]), remote, "--config", fx.config.toString(),
                        "--evidence");
        assertEquals("ERR denied\n", remote.toString(StandardCharsets.US_ASCII), "only a local operator may look");
    }

    @Test
    void theConfigurationRefusesWhatCannotWorkAndWarnsOfFilesMissingNow() throws Exception {
        fx.set("command.foo-restart.evidence.colour", "blue");
        fx.set("command.foo-restart.evidence.max-size", "1K");
        fx.set("evidence.kept", "3");
        String refused = fx.operator("--check-config", fx.config.toString());
        assertTrue(refused.contains(": command.foo-restart.evidence.colour: unknown attribute 'evidence.colour'"), refused);
        assertTrue(refused.contains(": command.foo-restart.evidence.max-size: 1024 bytes is less than 65536"), refused);
        assertTrue(refused.contains(": evidence.kept: unknown key (known: evidence.group, evidence.keep,"
                + " evidence.max-total)"), refused);

        fx.unset("command.foo-restart.evidence.colour").unset("command.foo-restart.evidence.max-size")
                .unset("evidence.kept");
        fx.set("command.foo-restart.evidence.logs", tmp.resolve("rotated-away.log").toString());
        String checked = fx.operator("--check-config", fx.config.toString());
        assertTrue(checked.startsWith("OK "), checked);
        assertTrue(checked.contains("\nWARNING " + fx.config + ": command.foo-restart.evidence.logs: "
                + tmp.resolve("rotated-away.log") + " is not readable now"), checked);
        assertTrue(checked.contains("\nWARNING " + fx.config + ": command.foo-restart.timeout 20.00s and its"
                + " evidence.timeout 5.00s are not below handler.timeout 25.00s together: "), checked);
        fx.set("command.foo-restart.evidence.timeout", "4");
        assertFalse(fx.operator("--check-config", fx.config.toString()).contains("together"));
    }
}
