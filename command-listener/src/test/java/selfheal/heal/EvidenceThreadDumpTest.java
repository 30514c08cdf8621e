package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The summary's choice of the suspicious thread, on dumps jcmd printed (src/test/resources/.../evidence). */
class EvidenceThreadDumpTest {

    private static String dump(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources/selfheal/heal/evidence", name), StandardCharsets.UTF_8);
    }

    @Test
    void aHungFooIsExplainedByItsMainThreadParkedByTheHangFault() throws IOException {
        EvidenceThreadDump.Suspect suspect = EvidenceThreadDump.parse(dump("foo-hang.txt")).suspect().orElseThrow();

        assertEquals("main", suspect.thread().name());
        assertEquals("WAITING (parking)", suspect.thread().state());
        assertTrue(suspect.thread().frames().get(5).startsWith("selfheal.demo.WorkLoop.parkedByHangFault("),
                suspect.thread().frames().toString());
    }

    @Test
    void theThreadHoldingWhatTheHeartbeatWaitsForIsChosenOverTheLongestBlockedOne() throws IOException {
        EvidenceThreadDump.Suspect suspect = EvidenceThreadDump.parse(dump("heartbeat-behind-lock.txt")).suspect()
                .orElseThrow();

        assertEquals("order-writer", suspect.thread().name());
        assertEquals("holds <0x00000000c1b4a010>, which the heartbeat thread \"heartbeat\" waits for", suspect.why());
    }

    @Test
    void everyThreadOfTheDumpIsReadWithItsDaemonFlagStateAndLocks() throws IOException {
        EvidenceThreadDump parsed = EvidenceThreadDump.parse(dump("heartbeat-behind-lock.txt"));

        assertEquals(6, parsed.threads().size());
        EvidenceThreadDump.JavaThread heartbeat = parsed.threads().get(4);
        assertEquals("heartbeat", heartbeat.name());
        assertTrue(heartbeat.daemon());
        assertEquals("BLOCKED (on object monitor)", heartbeat.state());
        assertEquals("0x00000000c1b4a010", heartbeat.waitsFor().orElseThrow());
        assertEquals(611.70, heartbeat.elapsed(), 0.001);
        assertTrue(parsed.threads().get(3).idlePoolThread(), "a pool thread waiting for work is idle");
    }

    @Test
    void withoutAHeartbeatThreadTheBlockedWorkerThreadComesBeforeTheWaitingOnes() {
        String dump = String.join("\n",
                "\"main\" #1 prio=5 os_prio=0 cpu=1.00ms elapsed=100.00s tid=0x1 nid=0x1 waiting on condition",
                "   java.lang.Thread.State: WAITING (parking)",
                "\tat a.Main.main(Main.java:1)",
                "",
                "\"loader\" #9 daemon prio=5 os_prio=0 cpu=1.00ms elapsed=50.00s tid=0x2 nid=0x2 waiting for monitor",
                "   java.lang.Thread.State: BLOCKED (on object monitor)",
                "\tat a.Loader.load(Loader.java:7)",
                "\t- waiting to lock <0x0000000000000abc> (a a.Cache)",
                "");

        EvidenceThreadDump.Suspect suspect = EvidenceThreadDump.parse(dump).suspect().orElseThrow();

        assertEquals("loader", suspect.thread().name());
        assertEquals("blocked the longest of the worker's daemon threads (50.00s old)", suspect.why());
    }

    @Test
    void theSummaryShowsTheSuspectsTopFrames() throws IOException {
        String summary = EvidenceSummary.suspect(dump("foo-hang.txt"));

        assertTrue(summary.startsWith("suspicious thread: \"main\" WAITING (parking), waiting the longest of the"
                + " worker's threads ("), summary);
        assertTrue(summary.contains("\n    at selfheal.demo.WorkLoop.parkedByHangFault(WorkLoop.java:70)\n"), summary);
    }
}
