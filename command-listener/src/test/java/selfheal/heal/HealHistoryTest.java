package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heal history with the real listener and scripts: each run recorded with its trigger whichever way it
 * came (the watch in-process, an operator on stdin, a network peer), reported by ping for the last hour,
 * pruned after its window, flapping beyond {@code flap}, failing closed when damaged.
 */
class HealHistoryTest {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;
    ListenerFixture fx;
    CommandListenerTest.MutableClock clock;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ListenerFixture(tmp);
        clock = new CommandListenerTest.MutableClock(START);
    }

    private String watch(String line) throws ConfigException {
        return new HealPath(clock).handle(Peer.inProcess("watch"), line.getBytes(StandardCharsets.US_ASCII),
                ListenerConfig.load(fx.config)).reply().line() + "\n";
    }

    private String local(String line) {
        return fx.serve(Peer.local(), clock, stdin(line));
    }

    private String remote(String line) {
        return fx.serve(Peer.remote(IpAddress.parse("192.0.2.7")), clock, stdin(line));
    }

    private static ByteArrayInputStream stdin(String line) {
        return new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private Path history(String name) {
        return fx.stateDir.resolve(name + ".heals");
    }

    @Test
    void eachRunIsRecordedWithItsTriggerAndPingReportsThemPerCommand() throws Exception {
        fx.command("bar-restart", "fail.sh", "");
        assertTrue(watch("foo-restart").startsWith("OK foo-restart exit=0 "));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(watch("foo-restart").startsWith("OK foo-restart exit=0 "));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(local("foo-restart").startsWith("OK foo-restart exit=0 "));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(remote("bar-restart").startsWith("ERR failed bar-restart exit="), "a failed run counts too");

        assertEquals("OK pong heals=bar-restart:remote=1,foo-restart:watch=2:local=1\n", remote("ping"));
        long start = START.toEpochMilli();
        assertEquals(List.of(start + " watch", (start + 60_000) + " watch", (start + 120_000) + " local"),
                Files.readAllLines(history("foo-restart")));
    }

    @Test
    void whatRanNothingIsNoHeal() throws Exception {
        fx.set("command.foo-restart.budget", "1/1h");
        assertTrue(remote("foo-restart").startsWith("OK foo-restart exit=0 "));
        assertEquals("ERR budget-exhausted foo-restart 1/1h\n", watch("foo-restart"));
        assertEquals("ERR unknown-command\n", remote("bar-restart"));
        assertEquals("OK pong heals=foo-restart:remote=1 budget-exhausted=foo-restart\n", remote("ping"));
    }

    @Test
    void pingReportsTheLastHourAndTheHistoryForgetsWhatIsOlderThanItsWindow() throws Exception {
        assertTrue(watch("foo-restart").startsWith("OK "));
        clock.advance(Duration.ofMinutes(59));
        assertEquals("OK pong heals=foo-restart:watch=1\n", remote("ping"));
        clock.advance(Duration.ofMinutes(1));
        assertEquals("OK pong\n", remote("ping"), "an hour later it is no longer reported");
        assertEquals(1, Files.readAllLines(history("foo-restart")).size(), "nor forgotten before the next run");

        assertTrue(remote("foo-restart").startsWith("OK "));
        assertEquals(List.of(clock.instant().toEpochMilli() + " remote"), Files.readAllLines(history("foo-restart")));
    }

    @Test
    void aFlapWindowLongerThanAnHourKeepsTheHistoryThatLongAndReportsOnlyTheLastHour() throws Exception {
        fx.set("command.foo-restart.flap", "1/3h");
        assertTrue(watch("foo-restart").startsWith("OK "));
        clock.advance(Duration.ofMinutes(90));
        assertTrue(watch("foo-restart").startsWith("OK "));
        assertEquals(2, Files.readAllLines(history("foo-restart")).size());
        assertEquals("OK pong heals=foo-restart:watch=1 flapping=foo-restart\n", remote("ping"));
        clock.advance(Duration.ofMinutes(61));
        assertEquals("OK pong flapping=foo-restart\n", remote("ping"), "flapping for its window, 3 h");
        clock.advance(Duration.ofMinutes(30));
        assertEquals("OK pong\n", remote("ping"));
    }

    @Test
    void aCommandFlapsOnceItRunsMoreOftenThanItsFlapAllows() throws Exception {
        fx.set("command.foo-restart.flap", "2/10m");
        assertTrue(watch("foo-restart").startsWith("OK "));
        clock.advance(Duration.ofMinutes(4));
        assertTrue(remote("foo-restart").startsWith("OK "));
        assertEquals("OK pong heals=foo-restart:watch=1:remote=1\n", remote("ping"), "two runs: no more than 2");
        clock.advance(Duration.ofMinutes(4));
        assertTrue(watch("foo-restart").startsWith("OK "));
        assertEquals("OK pong heals=foo-restart:watch=2:remote=1 flapping=foo-restart\n", remote("ping"));
        clock.advance(Duration.ofMinutes(3));
        assertEquals("OK pong heals=foo-restart:watch=2:remote=1\n", remote("ping"),
                "the first run left the 10 m window: 2 runs in it, the hour still shows 3");
    }

    @Test
    void theDefaultFlapIsThreeRunsAnHour() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertTrue(watch("foo-restart").startsWith("OK "));
            clock.advance(Duration.ofMinutes(10));
        }
        assertEquals("OK pong heals=foo-restart:watch=3\n", remote("ping"));
        assertTrue(watch("foo-restart").startsWith("OK "));
        assertEquals("OK pong heals=foo-restart:watch=4 flapping=foo-restart\n", remote("ping"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1767225600000 watch", "1767225600000 watch\nx\n", "1767225600000\n",
        "1767225600000 wätch\n", "1767225600000  watch\n", "-1 watch\n", "1767225600000 watch \n", "\n"})
    void aDamagedHistoryRunsNothingAndPingSaysWhichCommand(String damaged) throws Exception {
        Files.writeString(history("foo-restart"), damaged, StandardCharsets.UTF_8);
        assertEquals("ERR state foo-restart\n", remote("foo-restart"));
        assertEquals("ERR state foo-restart\n", watch("foo-restart"));
        assertEquals(List.of(), fx.runs(), "nothing ran");
        assertEquals("ERR state foo-restart\n", remote("ping"));
        assertTrue(fx.outcomes().get(2).contains("foo-restart.heals"), fx.outcomes().get(2));
    }

    @Test
    void aHistoryThatIsASymbolicLinkIsDamaged() throws Exception {
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), "");
        Files.createSymbolicLink(history("foo-restart"), elsewhere);
        assertEquals("ERR state foo-restart\n", remote("foo-restart"));
        assertEquals("ERR state foo-restart\n", remote("ping"));
        assertEquals("", Files.readString(elsewhere));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', textBlock = """
        0/1h      # '0/1h' is not N/<number><s|m|h|d>, for example 3/1h
        3         # '3' is not N/<number><s|m|h|d>, for example 3/1h
        3/0h      # '3/0h' is not N/<number><s|m|h|d>, for example 3/1h
        three/1h  # 'three/1h' is not N/<number><s|m|h|d>, for example 3/1h
        3/2d      # the window of '3/2d' is longer than a day
        """)
    void aFlapThatIsNotNRunsPerWindowOfAtMostADayIsRefused(String flap, String problem) throws Exception {
        fx.set("command.foo-restart.flap", flap);
        String out = fx.operator("--check-config", fx.config.toString());
        assertTrue(out.contains("command.foo-restart.flap: " + problem + "\n"), out);
    }
}
