package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State the listener cannot trust refuses heals instead of granting them: a damaged or unreadable budget
 * ledger, a state directory others can write to, files planted as symbolic links.
 */
class StateDirTest {
    @TempDir
    Path tmp;
    ListenerFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
        fx.set("command.foo-restart.budget", "2/15m");
    }

    private Path ledger() {
        return fx.stateDir.resolve("foo-restart.runs");
    }

    @Test
    void aTruncatedLastLineOfTheLedgerRefusesTheCommandAndFreesNoBudget() throws Exception {
        long now = Clock.systemUTC().millis();
        String recent = Long.toString(now - 60_000);
        Files.writeString(ledger(), recent + "\n" + recent.substring(0, 5), StandardCharsets.US_ASCII);
        assertEquals("ERR state foo-restart\n", fx.serve("foo-restart\n"));
        assertEquals(List.of(), fx.runs());
        assertTrue(fx.audit().get(1).contains("phase=outcome peer=127.0.0.1 request=\"foo-restart\" decision=state"
                + " command=foo-restart"), fx.audit().get(1));
        assertEquals("ERR state foo-restart\n", fx.serve("ping\n"));
    }

    @Test
    void anUnreadableLedgerRefusesTheCommandAndPingSaysSo() throws Exception {
        Files.createDirectory(ledger());
        assertEquals("ERR state foo-restart\n", fx.serve("foo-restart\n"));
        assertEquals("ERR state foo-restart\n", fx.serve("ping\n"));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void resetForgetsADamagedLedger() throws Exception {
        Files.writeString(ledger(), "garbage\n", StandardCharsets.US_ASCII);
        assertEquals("ERR state foo-restart\n", fx.serve("foo-restart\n"));
        assertTrue(fx.operator("--config", fx.config.toString(), "--reset", "foo-restart").startsWith("OK reset"));
        assertTrue(fx.serve("foo-restart\n").startsWith("OK foo-restart "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rwxrwxrwx", "rwxrwx---", "rwxr-x-w-"})
    void aStateDirOthersCanWriteToFailsCheckConfigAndRefusesEveryRequest(String mode) throws Exception {
        Files.setPosixFilePermissions(fx.stateDir, PosixFilePermissions.fromString(mode));
        String check = fx.operator("--check-config", fx.config.toString());
        assertTrue(check.contains("ERROR " + fx.config + ": state.dir: " + fx.stateDir
                + " is writable by group or others"), check);
        for (int i = 0; i < 3; i++) {
            assertEquals("ERR state foo-restart\n", fx.serve("foo-restart\n"), "the ledger could be deleted");
        }
        assertEquals(List.of(), fx.runs());
        assertEquals("ERR state\n", fx.serve("ping\n"));
    }

    @Test
    void aStickyWorldWritableStateDirIsRefusedSoNoOneCanPlantAMarkerResetCannotRemove() throws Exception {
        Files.setPosixFilePermissions(fx.stateDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(fx.stateDir, "unix:mode", 01777);
        assertEquals("ERR state foo-restart\n", fx.serve("foo-restart\n"));
        String reset = fx.operator("--config", fx.config.toString(), "--reset", "foo-restart");
        assertTrue(reset.startsWith("ERR state foo-restart"), reset);
    }

    @Test
    void aStateDirOwnedByAnotherUserIsRefused() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
        Files.setAttribute(fx.stateDir, "unix:uid", 65534);
        String check = fx.operator("--check-config", fx.config.toString());
        assertTrue(check.contains("state.dir: " + fx.stateDir + " is owned by uid 65534, not by this user"), check);
        assertEquals("ERR state foo-restart\n", fx.serve("foo-restart\n"));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void anAuditLogInADirectoryOthersCanWriteToFailsCheckConfig() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        fx.set("audit.log", shared.resolve("audit.log").toString());
        String check = fx.operator("--check-config", fx.config.toString());
        assertTrue(check.contains("audit.log: directory " + shared + " is writable by group or others"), check);
        assertEquals("ERR audit foo-restart\n", fx.serve("foo-restart\n"));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void anAuditLogPlantedAsASymlinkIsNotFollowedAndNothingRuns() throws Exception {
        Files.createSymbolicLink(fx.auditLog, Path.of("/dev/null"));
        assertEquals("ERR audit foo-restart\n", fx.serve("foo-restart\n"));
        assertEquals(List.of(), fx.runs());
        assertEquals("ERR audit\n", fx.serve("ping\n"));
    }

    @Test
    void aTempFilePlantedAsASymlinkNeverOverwritesItsTarget() throws Exception {
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "precious\n");
        Files.createSymbolicLink(fx.stateDir.resolve("foo-restart.runs.tmp"), victim);
        assertTrue(fx.serve("foo-restart\n").startsWith("OK foo-restart "));
        assertEquals("precious\n", Files.readString(victim));
        assertEquals(1, Files.readAllLines(ledger()).size());
    }

    @Test
    void aLedgerPlantedAsASymlinkIsNotFollowed() throws Exception {
        Path elsewhere = tmp.resolve("elsewhere.runs");
        Files.writeString(elsewhere, "");
        Files.createSymbolicLink(ledger(), elsewhere);
        assertEquals("ERR state foo-restart\n", fx.serve("foo-restart\n"));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void aLockFilePlantedAsASymlinkIsNotFollowed() throws Exception {
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "precious\n");
        Files.createSymbolicLink(fx.stateDir.resolve("foo.lock"), victim);
        assertEquals("ERR state foo-restart\n", fx.serve("foo-restart\n"));
        assertEquals("precious\n", Files.readString(victim));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void anExhaustedMarkerPlantedAsADanglingSymlinkStillCountsAsExhausted() throws Exception {
        Files.createSymbolicLink(fx.stateDir.resolve("foo-restart.exhausted"), tmp.resolve("nowhere"));
        assertEquals("ERR budget-exhausted foo-restart 2/15m\n", fx.serve("foo-restart\n"));
        assertEquals(List.of(), fx.runs());
    }

    @Test
    void theLedgerStillCountsRunsWithinTheWindow() throws Exception {
        CommandListenerTest.MutableClock clock =
                new CommandListenerTest.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        for (int i = 0; i < 2; i++) {
            assertTrue(fx.serve(Peer.local(), clock, new java.io.ByteArrayInputStream("foo-restart\n".getBytes(
                    StandardCharsets.US_ASCII))).startsWith("OK "));
            clock.advance(Duration.ofMinutes(1));
        }
        assertEquals(2, Files.readAllLines(ledger()).size());
    }
}
