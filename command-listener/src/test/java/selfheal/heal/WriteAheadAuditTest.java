package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record of a run is on disk before the script starts: on a real full file system (a 64 KiB tmpfs,
 * mounted for the test, so the test needs root), nothing runs unrecorded and no line is torn.
 */
class WriteAheadAuditTest {
    @TempDir
    Path tmp;
    ListenerFixture fx;
    Path mount;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A 64 KiB tmpfs holding the audit log, filled up but for {@code left} bytes. */
    private Path fullFileSystem(int left) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("auditfs"));
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a tmpfs needs root: the full-file-system case is not tested");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        Assumptions.assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0,
                "mount -t tmpfs failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        mount = dir;
        Path filler = dir.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] page = new byte[4096];
            while (true) {
                out.write(page);
                out.flush();
            }
        } catch (IOException full) {
            // the file system is full
        }
        if (left > 0) {
            try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(filler,
                    java.nio.file.StandardOpenOption.WRITE)) {
                c.truncate(c.size() / 4096 * 4096 - left);
            }
        }
        Path log = dir.resolve("audit.log");
        fx.set("audit.log", log.toString());
        return log;
    }

    @Test
    void onAFullAuditFileSystemNothingRunsAndTheReplySaysTheAuditFailed() throws Exception {
        fullFileSystem(0);
        for (int i = 0; i < 5; i++) {
            assertEquals("ERR audit foo-restart\n", fx.serve("foo-restart\n"));
        }
        assertEquals(List.of(), fx.runs(), "nothing ran unrecorded");
    }

    @Test
    void pingSaysSoWhenTheAuditLogCannotBeWritten() throws Exception {
        fullFileSystem(0);
        assertEquals("ERR audit\n", fx.serve("ping\n"));
    }

    @Test
    void withOnePageLeftEveryRunHasItsIntentRecordAndNoLineIsTorn() throws Exception {
        Path log = fullFileSystem(4096);
        int ok = 0;
        for (int i = 0; i < 40; i++) {
            String reply = fx.serve("foo-restart\n");
            if (reply.startsWith("OK ")) {
                ok++;
            } else {
                assertEquals("ERR audit foo-restart\n", reply);
            }
        }
        byte[] bytes = Files.readAllBytes(log);
        assertTrue(bytes.length == 0 || bytes[bytes.length - 1] == '\n', "the last line is torn");
        List<String> intents = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
            assertTrue(line.matches("\\S+Z pid=[0-9]+ id=\\S+ phase=(intent|outcome) peer=.* reply=.*"), line);
            if (line.contains(" phase=intent ")) {
                intents.add(line);
            }
        }
        assertTrue(ok > 0, "some runs fitted");
        assertEquals(ok, fx.runs().size() / 2, "runs");
        assertEquals(ok, intents.size(), "every run, and only a run, has its intent on disk");
    }

    @Test
    void theIntentIsOnDiskWhileTheScriptRunsAndTheOutcomeSharesItsId() throws Exception {
        fx.set("command.foo-restart.args", fx.marker + " 1");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> reply = pool.submit(() -> fx.serve("foo-restart\n"));
            CommandListenerTest.waitFor(() -> fx.runs().size() == 1);
            List<String> during = fx.audit();
            assertEquals(1, during.size(), during.toString());
            assertTrue(during.get(0).matches("\\S+Z pid=[0-9]+ id=[0-9a-z.-]+ phase=intent peer=127\\.0\\.0\\.1"
                    + " request=\"foo-restart\" decision=run command=foo-restart exit=- duration=[0-9.]+ reply=-"),
                    during.get(0));
            assertTrue(reply.get().startsWith("OK foo-restart exit=0 "));
        } finally {
            pool.shutdownNow();
        }
        List<String> audit = fx.audit();
        assertEquals(2, audit.size(), audit.toString());
        String id = audit.get(0).split(" ")[2];
        assertTrue(audit.get(1).contains(" " + id + " phase=outcome peer=127.0.0.1 request=\"foo-restart\""
                + " decision=ok command=foo-restart exit=0 "), audit.get(1));
    }

    @Test
    void aRequestThatRunsNothingHasOneOutcomeRecordOnly() throws Exception {
        fx.serve("ping\n");
        fx.serve("bar-restart\n");
        List<String> audit = fx.audit();
        assertEquals(2, audit.size(), audit.toString());
        assertTrue(audit.get(0).matches("\\S+Z pid=[0-9]+ id=\\S+ phase=outcome peer=127\\.0\\.0\\.1 request=\"ping\""
                + " decision=ok command=ping .*"), audit.get(0));
    }
}
