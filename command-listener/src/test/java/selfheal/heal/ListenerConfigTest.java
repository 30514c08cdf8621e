package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One broken configuration per rule, with the exact message the operator reads. */
class ListenerConfigTest {
    @TempDir
    Path tmp;
    ListenerFixture fx;
    String script;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
        script = ListenerFixture.script("record.sh").toString();
    }

    private List<String> problems() {
        return assertThrows(ConfigException.class, () -> ListenerConfig.load(fx.config)).problems();
    }

    @Test
    void aValidConfigurationLoadsWithItsDefaults() throws Exception {
        fx.unset("command.foo-restart.settle");
        ListenerConfig config = ListenerConfig.load(fx.config);
        AllowedCommand foo = config.commands().get("foo-restart");
        assertEquals(Path.of(script), foo.executable());
        assertEquals(List.of(fx.marker.toString()), foo.fixedArgs());
        assertEquals(Duration.ofSeconds(20), foo.timeout(), "below the shipped handler's -t of 25 s");
        assertEquals(Duration.ofSeconds(120), foo.settle(), "twice the stock retry interval of 60 s");
        assertEquals(Duration.ofSeconds(25), config.handlerTimeout());
        assertEquals("foo", foo.group());
        assertEquals(Path.of("/"), foo.directory());
        assertEquals(Duration.ofSeconds(2), config.readTimeout());
    }

    @Test
    void aRelativeScriptPathIsRefused() throws IOException {
        fx.set("command.foo-restart", "bin/restart.sh");
        assertEquals(List.of("command.foo-restart: 'bin/restart.sh' is not an absolute path"), problems());
    }

    @Test
    void aPathHoldingANulIsAProblemNotACrash() throws IOException {
        fx.set("state.dir", "/var/lib/self\\u0000heal").set("command.foo-restart", "/bin/tr\\u0000ue");
        assertEquals(List.of("state.dir: not a path (it holds a NUL character)",
                "command.foo-restart: not a path (it holds a NUL character)"), problems());
    }

    @Test
    void aMissingScriptIsRefused() throws IOException {
        fx.set("command.foo-restart", "/nonexistent/restart.sh");
        assertEquals(List.of("command.foo-restart: /nonexistent/restart.sh does not exist"), problems());
    }

    @Test
    void aScriptThatIsNotExecutableIsRefused() throws IOException {
        Path plain = Files.writeString(tmp.resolve("plain.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
        fx.set("command.foo-restart", plain.toString());
        assertEquals(List.of("command.foo-restart: " + plain + " is not an executable file"), problems());
    }

    @Test
    void aScriptWritableByOthersIsRefused() throws IOException {
        Path open = Files.writeString(tmp.resolve("open.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        fx.set("command.foo-restart", open.toString());
        assertEquals(List.of("command.foo-restart: " + open + " is writable by group or others (mode 777);"
                + " anyone who can write it can run code as the listener"), problems());
    }

    @Test
    void aScriptInADirectoryWritableByOthersIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Path inside = Files.writeString(dir.resolve("restart.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        fx.set("command.foo-restart", inside.toString());
        assertEquals(List.of("command.foo-restart: directory " + dir + " is writable by group or others (mode 777),"
                + " so " + inside + " could be replaced"), problems());
    }

    @Test
    void everyProblemIsReportedOnceAndTogether() throws IOException {
        fx.set("command.foo-restart.budget", "3 per hour")
                .set("command.foo-restart.timeout", "-1")
                .set("command.foo-restart.colour", "blue")
                .set("allow", "127.0.0.1, example.org, 10.0.0.0/33")
                .set("state.dir", "/nonexistent/state")
                .set("audit.log", "audit.log")
                .set("read.timeout", "soon")
                .set("command.ping", script)
                .set("command.bar.timeout", "5")
                .set("logfile", "/tmp/x");
        assertEquals(List.of(
                "command.bar.timeout: there is no command.bar = <script> for it",
                "command.foo-restart.colour: unknown attribute 'colour' (known: args, timeout, settle, budget,"
                        + " flap, group, dir, accepts)",
                "logfile: unknown key (known: allow, allow.any, state.dir, audit.log, read.timeout,"
                        + " resident.idle, resident.connections, resident.per-source, trusted.owner, handler.timeout, workers.dir,"
                        + " command.<name>[.args|.timeout|.settle|.budget|.flap|.group|.dir|.accepts],"
                        + " watch.<name>.url|.args|.heal|.interval|.after|.grace)",
                "allow: 'example.org' is not an IPv4 or IPv6 address",
                "allow: prefix length /33 is out of 0..32",
                "state.dir: /nonexistent/state is not an existing directory",
                "audit.log: 'audit.log' is not an absolute path",
                "read.timeout: 'soon' is not a number of seconds",
                "command.foo-restart.timeout: -1 is not between 0.1 and 3600 seconds",
                "command.foo-restart.budget: budget '3 per hour' is not N/<number><s|m|h|d>, for example 3/15m",
                "command.ping: 'ping' is built in and cannot be configured"), problems());
    }

    @Test
    void aConfigurationWithoutCommandsIsRefused() throws IOException {
        Files.writeString(fx.config, "state.dir = " + fx.stateDir + "\naudit.log = " + fx.auditLog + "\n");
        assertEquals(List.of("no command.<name> = <script> is configured (neither here nor in a drop-in of "
                + fx.dir.resolve("workers.d") + "); the listener would only answer ping"),
                problems());
    }

    @Test
    void checkConfigPrintsOneLinePerProblemAndExitsOne() throws IOException {
        fx.set("command.foo-restart", "/nonexistent/restart.sh").set("read.timeout", "0");
        String out = fx.operator("--check-config", fx.config.toString());
        assertEquals("ERROR " + fx.config + ": read.timeout: 0 is not between 0.1 and 60 seconds\n"
                + "ERROR " + fx.config + ": command.foo-restart: /nonexistent/restart.sh does not exist\n", out);
    }

    @Test
    void checkConfigSummarisesAValidFile() throws IOException {
        fx.set("command.foo-restart.budget", "3/15m");
        String out = fx.operator("--check-config", fx.config.toString());
        assertEquals("OK " + fx.config + ": 1 commands, allow [127.0.0.1/32, 192.0.2.0/24, 2001:db8:0:0:0:0:0:0/32],"
                + " state.dir " + fx.stateDir + ", audit.log " + fx.auditLog + ", read.timeout 2.00s,"
                + " resident.idle 600.00s, resident.connections 32, resident.per-source 4,"
                + " handler.timeout 25.00s\n"
                + "  foo-restart = " + script + " " + fx.marker
                + " (timeout 20.00s, settle none, budget 3/15m, group foo, dir /)\n", out);
    }

    @Test
    void checkConfigWarnsOfACommandThatOutlastsTheEventHandler() throws IOException {
        fx.set("command.foo-restart.timeout", "60").set("command.foo-restart.settle", "4.5");
        String out = fx.operator("--check-config", fx.config.toString());
        assertTrue(out.contains(" (timeout 60.00s, settle 4.50s, budget none, group foo, dir /)\n"), out);
        assertTrue(out.endsWith("WARNING " + fx.config + ": command.foo-restart.timeout 60.00s is not below"
                + " handler.timeout 25.00s: the event handler gives up first, never sees the outcome, and its"
                + " next tries meet ERR busy; lower the timeout or raise the handler's -t and handler.timeout\n"),
                out);
        fx.set("handler.timeout", "75");
        assertFalse(fx.operator("--check-config", fx.config.toString()).contains("WARNING"),
                "a handler that waits longer than the command is in order");
    }

    // --- the file itself -------------------------------------------------------------------------------

    @Test
    void aKeySetTwiceIsRefused() throws IOException {
        String canary = ListenerFixture.script("fail.sh").toString();
        Files.writeString(fx.config, "command.foo-restart = " + canary + "\n", StandardOpenOption.APPEND);
        assertEquals(List.of("command.foo-restart: set more than once ('" + script + "', then '" + canary
                + "'); a key may appear only once"), problems());
    }

    @Test
    void allowSetTwiceIsRefused() throws IOException {
        Files.writeString(fx.config, "allow = 10.0.0.0/8\n", StandardOpenOption.APPEND);
        assertEquals(List.of("allow: set more than once ('127.0.0.1, 192.0.2.0/24, 2001:db8::/32', then"
                + " '10.0.0.0/8'); a key may appear only once"), problems());
    }

    @Test
    void aConfigurationWritableByGroupOrOthersIsRefused() throws IOException {
        Files.setPosixFilePermissions(fx.config, PosixFilePermissions.fromString("rw-rw-r--"));
        assertEquals(List.of(fx.config + ": writable by group or others (mode 664); whoever can write it"
                + " chooses what the listener runs"), problems());
    }

    @Test
    void aConfigurationOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(ListenerFixture.runsAsRoot(), "only root can give a file to nobody: run the tests as root to check this rule");
        Files.setOwner(fx.config, user("nobody"));
        assertEquals(List.of(fx.config + ": owned by nobody (uid " + uid(fx.config) + "); only root or the"
                + " user the listener runs as (uid 0) may own it"), problems());
    }

    // --- allow -----------------------------------------------------------------------------------------

    @Test
    void anEmptyAllowListIsRefused() throws IOException {
        fx.set("allow", "");
        assertEquals(List.of("allow: no address given; list at least one (without the key, the default"
                + " 127.0.0.1, ::1 applies)"), problems());
    }

    @Test
    void allowingEveryAddressNeedsAllowAny() throws Exception {
        fx.set("allow", "0.0.0.0/0, ::/0");
        assertEquals(List.of(
                "allow: 0.0.0.0/0 admits every address; set allow.any = yes if that is meant",
                "allow: ::/0 admits every address; set allow.any = yes if that is meant"), problems());
        fx.set("allow.any", "yes");
        assertEquals("[0.0.0.0/0, 0:0:0:0:0:0:0:0/0]", ListenerConfig.load(fx.config).allow().toString());
    }

    @Test
    void allowAnyIsYesOrNo() throws IOException {
        fx.set("allow.any", "true");
        assertEquals(List.of("allow.any: 'true' is not yes or no"), problems());
    }

    // --- scripts ---------------------------------------------------------------------------------------

    @Test
    void aScriptOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(ListenerFixture.runsAsRoot(), "only root can give a file to nobody: run the tests as root to check this rule");
        Path other = copyOfScript(Files.createDirectory(tmp.resolve("bin")), "record.sh");
        Files.setOwner(other, user("nobody"));
        fx.set("command.foo-restart", other.toString());
        assertEquals(List.of("command.foo-restart: " + other + " is owned by nobody, not root; whoever owns it can"
                + " change what the listener runs"), problems());
    }

    @Test
    void aScriptInADirectoryOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(ListenerFixture.runsAsRoot(), "only root can give a directory to nobody: run the tests as root to check this rule");
        Path dir = Files.createDirectory(tmp.resolve("bin"));
        Path inside = copyOfScript(dir, "record.sh");
        Files.setOwner(dir, user("nobody"));
        fx.set("command.foo-restart", inside.toString());
        assertEquals(List.of("command.foo-restart: directory " + dir + " is owned by nobody, not root, so " + inside
                + " could be replaced"), problems());
    }

    @Test
    void aScriptInADirectoryWritableByItsGroupIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("bin"));
        Path inside = copyOfScript(dir, "record.sh");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        fx.set("command.foo-restart", inside.toString());
        assertEquals(List.of("command.foo-restart: directory " + dir + " is writable by group or others (mode 775),"
                + " so " + inside + " could be replaced"), problems());
    }

    @Test
    void aStickyDirectoryIsFineAboveAnEntryOwnedByRoot() throws Exception {
        assumeTrue(ListenerFixture.runsAsRoot(), "the entry below the sticky directory must be owned by root: run the tests as root");
        Path sticky = Files.createDirectory(tmp.resolve("sticky"));
        Path inside = copyOfScript(Files.createDirectory(sticky.resolve("bin")), "record.sh");
        Files.setPosixFilePermissions(sticky, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        fx.set("command.foo-restart", inside.toString());
        assertEquals(inside, ListenerConfig.load(fx.config).commands().get("foo-restart").executable());
    }

    @Test
    void aScriptReachedThroughASymlinkIsJudgedByItsTarget() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("restart.sh"), Path.of(script)); // the link: mode 777
        fx.set("command.foo-restart", link.toString()).set("command.true", "/bin/true");
        ListenerConfig config = ListenerConfig.load(fx.config);
        assertEquals(link, config.commands().get("foo-restart").executable());
        assertEquals(Path.of("/bin/true"), config.commands().get("true").executable());
    }

    @Test
    void aSymlinkInADirectoryWritableByOthersIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Path link = Files.createSymbolicLink(dir.resolve("restart.sh"), Path.of(script));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        fx.set("command.foo-restart", link.toString());
        assertEquals(List.of("command.foo-restart: directory " + dir + " is writable by group or others (mode 777),"
                + " so " + link + " could be replaced"), problems());
    }

    @Test
    void aSymlinkedDirectoryInADirectoryWritableByOthersIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Path link = Files.createSymbolicLink(dir.resolve("bin"), Path.of(script).getParent());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path through = link.resolve("record.sh");
        fx.set("command.foo-restart", through.toString());
        assertEquals(List.of("command.foo-restart: directory " + dir + " is writable by group or others (mode 777),"
                + " so " + through + " could be replaced"), problems());
    }

    @Test
    void aScriptOwnedByTheTrustedOwnerPasses() throws Exception {
        assumeTrue(ListenerFixture.runsAsRoot(), "only root can give a file to nobody: run the tests as root to check this rule");
        Path dir = Files.createDirectory(tmp.resolve("bin"));
        Path other = copyOfScript(dir, "record.sh");
        Files.setOwner(other, user("nobody"));
        Files.setOwner(dir, user("nobody"));
        fx.set("command.foo-restart", other.toString()).set("trusted.owner", "nobody");
        assertEquals(other, ListenerConfig.load(fx.config).commands().get("foo-restart").executable());
    }

    @Test
    void anUnknownTrustedOwnerIsRefused() throws IOException {
        fx.set("trusted.owner", "no-such-user-here");
        assertEquals(List.of("trusted.owner: there is no user 'no-such-user-here' on this host"), problems());
    }

    // --- timeouts --------------------------------------------------------------------------------------

    @Test
    void aTimeoutBelowATenthOfASecondIsRefused() throws IOException {
        fx.set("command.foo-restart.timeout", "0.0004");
        assertEquals(List.of("command.foo-restart.timeout: 0.0004 is not between 0.1 and 3600 seconds"),
                problems());
    }

    private static Path copyOfScript(Path dir, String name) throws IOException {
        Path copy = Files.copy(ListenerFixture.script(name), dir.resolve(name));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        return copy;
    }

    private static UserPrincipal user(String name) throws IOException {
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
    }

    private static int uid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid");
    }

    @Test
    void theShippedExampleHasNoProblemButMissingHostFiles() throws IOException {
        // A copy with the mode an install gives it: the checkout's own mode is whatever its umask made it.
        Path example = Files.copy(Path.of("examples/listener.properties"), tmp.resolve("example.properties"));
        Files.setPosixFilePermissions(example, PosixFilePermissions.fromString("rw-r-----"));
        List<String> problems;
        try {
            problems = ListenerConfig.load(example).commands().isEmpty() ? List.of("no commands") : List.of();
        } catch (ConfigException e) {
            problems = e.problems();
        }
        for (String problem : problems) {
            // On a build host /usr/bin/sudo, /var/lib/selfheal or /var/log/selfheal may be absent; nothing else.
            assertTrue(problem.matches("(command\\.foo-\\w+: /usr/bin/sudo does not exist"
                    + "|state\\.dir: /var/lib/selfheal is not an existing directory"
                    + "|state\\.dir: /var/lib/selfheal is not writable by this user"
                    + "|audit\\.log: directory /var/log/selfheal does not exist"
                    + "|audit\\.log: /var/log/selfheal/audit\\.log cannot be written by this user)"), problem);
        }
    }

    @Test
    void aWatchIsReadWithItsDefaultsAndItsCheckWorkerCommandLine() throws Exception {
        fx.set("command.foo-restart.timeout", "12")
                .set("watch.foo.url", "http://127.0.0.2:8081/health?deep=1")
                .set("watch.foo.args", "--stale worker:heartbeat,crit=5  -t 2")
                .set("watch.foo.heal", "foo-restart");
        WatchSpec foo = ListenerConfig.load(fx.config).watches().get("foo");
        assertEquals(Duration.ofSeconds(1), foo.interval());
        assertEquals(2, foo.after());
        assertEquals(Duration.ofSeconds(12), foo.grace(), "the heal command's timeout: a start may take that long");
        assertEquals(List.of("-H", "127.0.0.2", "-p", "8081", "-u", "/health?deep=1",
                "--stale", "worker:heartbeat,crit=5", "-t", "2"), List.of(foo.checkArgs()));
        fx.set("watch.foo.url", "https://[::1]/").set("watch.foo.interval", "0.5").set("watch.foo.after", "3")
                .set("watch.foo.grace", "30").set("watch.foo.args", "");
        foo = ListenerConfig.load(fx.config).watches().get("foo");
        assertEquals(List.of("-S", "-H", "[::1]", "-p", "443", "-u", "/"), List.of(foo.checkArgs()));
        assertEquals(Duration.ofMillis(500), foo.interval());
        assertEquals(3, foo.after());
        assertEquals(Duration.ofSeconds(30), foo.grace());
    }

    @Test
    void aWatchThatCannotWorkIsRefusedWithEveryProblem() throws Exception {
        fx.set("watch.foo.url", "ftp://127.0.0.2/health")
                .set("watch.foo.heal", "bar-restart")
                .set("watch.foo.after", "0")
                .set("watch.foo.colour", "blue")
                .set("watch.bar.heal", "foo-restart")
                .set("watch.baz.url", "http://127.0.0.2:8081/health");
        assertEquals(List.of(
                "watch.bar.heal: there is no watch.bar.url for it",
                "watch.foo.colour: unknown attribute 'colour' (known: url, args, heal, interval, after, grace)",
                "watch.baz.heal: missing: name the command that heals baz (e.g. baz-restart)",
                "watch.foo.url: 'ftp://127.0.0.2/health' is not http[s]://HOST[:PORT]/PATH",
                "watch.foo.heal: 'bar-restart' is not a configured command.<name>",
                "watch.foo.after: '0' is not a whole number from 1 to 100"), problems());
    }

    @Test
    void checkConfigShowsEachWatchAndRefusesOptionsCheckWorkerWouldRefuse() throws Exception {
        fx.set("watch.foo.url", "http://127.0.0.2:8081/health").set("watch.foo.heal", "foo-restart");
        String out = fx.operator("--check-config", fx.config.toString());
        assertTrue(out.contains("\n  watch foo: check_worker -H 127.0.0.2 -p 8081 -u /health every 1.00s, foo-restart"
                + " after 2 CRITICAL, grace 20.00s\n"), out);
        fx.set("watch.foo.args", "--stale nothing-given");
        out = fx.operator("--check-config", fx.config.toString());
        assertTrue(out.startsWith("ERROR " + fx.config + ": watch.foo.args: check_worker would refuse it: bad --stale"
                + " 'nothing-given': give warn=SECONDS and/or crit=SECONDS"), out);
    }
}
