package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckResultTest {

    private static PerfData perf(String label, double value, String uom) {
        return new PerfData(label, value, uom, null, null, null);
    }

    @Test
    void rendersFirstLineWithPerfdataThenDetails() {
        CheckResult r = new CheckResult("WORKER", List.of(new SubCheck(Status.CRITICAL, "fail: db",
                List.of("[CRITICAL] db: fail", "[OK] queue: pass"), List.of(perf("time", 0.5, "s"), perf("queue depth", 3, "")))));
        assertEquals("WORKER CRITICAL - fail: db | 'time'=0.5s 'queue depth'=3\n[CRITICAL] db: fail\n[OK] queue: pass\n", r.render());
        assertEquals(2, r.status().exitCode());
    }

    @Test
    void withoutPerfdataThereIsNoBar() {
        assertEquals("LISTENER OK - pong\n", CheckResult.of("LISTENER", Status.OK, "pong").render());
    }

    @Test
    void textNeverCarriesABarOrALineBreak() {
        CheckResult r = new CheckResult("WORKER", List.of(new SubCheck(Status.WARNING, "a|b\nc", List.of("x|y\r"), List.of())));
        assertEquals("WORKER WARNING - a/b c\nx/y\n", r.render());
    }

    @Test
    void partsGiveTheWorstStateAndTheirTextAndPerfdataInOrder() {
        CheckResult r = new CheckResult("WORKER", List.of(
                SubCheck.of(Status.OK, "health+json pass"),
                SubCheck.measured(Status.UNKNOWN, "queue 17", List.of("[UNKNOWN] queue = 17"), perf("queue", 17, "")),
                SubCheck.measured(Status.OK, "never said", List.of("[OK] age = 3 s"), perf("age", 3, "s")),
                SubCheck.passed(),
                SubCheck.of(Status.WARNING, "slow")));
        assertEquals(Status.WARNING, r.status());
        assertEquals("WORKER WARNING - health+json pass, queue 17, slow | 'queue'=17 'age'=3s\n[UNKNOWN] queue = 17\n[OK] age = 3 s\n",
                r.render());
    }
}
