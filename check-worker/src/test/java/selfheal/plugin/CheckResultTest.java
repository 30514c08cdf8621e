package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckResultTest {

    @Test
    void rendersFirstLineWithPerfdataThenDetails() {
        CheckResult r = CheckResult.critical("WORKER", "fail: db")
                .withPerfData(List.of(PerfData.of("time", 0.5, "s"), PerfData.of("queue depth", 3, "")))
                .withDetails(List.of("[CRITICAL] db: fail", "[OK] queue: pass"));
        assertEquals("WORKER CRITICAL - fail: db | 'time'=0.5s 'queue depth'=3\n[CRITICAL] db: fail\n[OK] queue: pass\n", r.render());
        assertEquals(2, r.status().exitCode());
    }

    @Test
    void withoutPerfdataThereIsNoBar() {
        assertEquals("LISTENER OK - pong\n", CheckResult.ok("LISTENER", "pong").render());
    }

    @Test
    void textNeverCarriesABarOrALineBreak() {
        CheckResult r = CheckResult.warning("WORKER", "a|b\nc").withDetails(List.of("x|y\r"));
        assertEquals("WORKER WARNING - a/b c\nx/y\n", r.render());
    }
}
