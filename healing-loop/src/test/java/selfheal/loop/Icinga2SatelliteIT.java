package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import selfheal.loop.IcingaZones.Shown;

/**
 * Icinga 2's own distributed monitoring heals: a master and a satellite zone made with {@code node setup} and
 * {@code pki}, the configuration synced from the master's zones.d, foo's host in the satellite's zone. A kill -9
 * of foo is checked, healed and re-checked by the satellite (its check service running the checks, its event
 * handler asking the listener from the satellite's address, the only one the listener allows), and the master
 * only displays it: CRITICAL, then OK, each result from the satellite, and no plugin ever run on the master.
 */
class Icinga2SatelliteIT {
    private static final int OK = 0;
    private static final int CRITICAL = 2;

    @Test
    void theSatelliteHealsAKilledWorkerWhileTheMasterOnlyDisplaysIt() throws Exception {
        try (IcingaZones zones = IcingaZones.start(Map.of())) {
            Shown before = zones.shownOnMaster(IcingaZones.WORKER);
            assertEquals("satellite", before.checkSource(), "who checked foo before the kill: " + before);

            long killed = zones.killFoo();
            long start = System.nanoTime();
            List<Shown> seen = new ArrayList<>();
            Poll.until(Duration.ofSeconds(40), "the master to show foo worker CRITICAL", () -> {
                Shown shown = zones.shownOnMaster(IcingaZones.WORKER);
                seen.add(shown);
                return shown.is(CRITICAL);
            }, zones::diagnostics);
            Duration critical = Duration.ofNanos(System.nanoTime() - start);
            Poll.until(Duration.ofSeconds(60), "the master to show foo worker OK again, foo restarted", () -> {
                Shown shown = zones.shownOnMaster(IcingaZones.WORKER);
                seen.add(shown);
                long pid = zones.fooPid();
                return shown.is(OK) && pid > 0 && pid != killed && ProcessHandle.of(pid).isPresent();
            }, zones::diagnostics);
            Duration healed = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("Icinga2SatelliteIT: kill -9 -> CRITICAL on the master %.2f s, -> OK on the master %.2f s%n",
                    critical.toMillis() / 1000.0, healed.toMillis() / 1000.0);

            for (Shown shown : seen) {
                if (shown.state() >= 0) {
                    assertEquals("satellite", shown.checkSource(), "a result the master showed: " + shown);
                }
            }
            // The handler logs its heal and then asks for the re-check; the master may show OK before either line.
            Poll.until(Duration.ofSeconds(30), "the satellite's handler to log its heal and the re-check it asked for",
                    () -> zones.lines("HANDLER_LOG").stream().anyMatch(l -> l.contains(" healed foo-restart@"
                            + zones.env("WORKER_HOST") + ":"))
                            && zones.lines("HANDLER_LOG").stream().anyMatch(l -> l.contains(" recheck " + IcingaZones.HOST
                                    + ";" + IcingaZones.WORKER + " submitted through the API")),
                    zones::diagnostics);
            List<String> restarts = zones.lines("AUDIT_LOG").stream()
                    .filter(l -> l.contains("request=\"foo-restart\"")).toList();
            assertTrue(!restarts.isEmpty() && restarts.stream().allMatch(l -> l.contains(" peer="
                    + zones.env("SATELLITE_HOST") + " ")), "every foo-restart came from the satellite: " + restarts);
            assertTrue(restarts.stream().anyMatch(l -> l.contains("reply=\"OK foo-restart exit=0")),
                    "a foo-restart ran and succeeded: " + restarts);
            assertEquals(List.of(), zones.lines("MASTER_PLUGINS_RUN"), "plugins or handlers the master ran");
        }
    }
}
