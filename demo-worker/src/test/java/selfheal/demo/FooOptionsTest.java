package selfheal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FooOptionsTest {

    @Test
    void everyPathDefaultsUnderHome() throws BadOption {
        FooOptions o = FooOptions.parse("--home", "/srv/foo");

        assertEquals(Path.of("/srv/foo/inbox"), o.inbox());
        assertEquals(Path.of("/srv/foo/outbox"), o.outbox());
        assertEquals(Path.of("/srv/foo/foo.pid"), o.pidfile());
        assertEquals(Path.of("/srv/foo"), o.faultDir());
        assertEquals("127.0.0.1", o.bindAddress().getHostAddress());
        assertEquals(8081, o.port());
        assertEquals("foo", o.name());
        assertEquals(Duration.ofMillis(250), o.poll());
        assertEquals(Duration.ofSeconds(2), o.heartbeatWarn());
        assertEquals(Duration.ofSeconds(5), o.heartbeatFail());
        assertEquals(Duration.ofSeconds(15), o.slowDelay());
        assertEquals(Duration.ZERO, o.faultAfter());
        assertEquals(Duration.ZERO, o.startDelay());
        assertNull(o.fault());
    }

    @Test
    void valuesMayFollowAnEqualsSignAndOverrideTheDefaults() throws BadOption {
        FooOptions o = FooOptions.parse("--home=/h", "--inbox=/in", "--port=9000", "--fault=refuse-start",
                "--pidfile", "/run/foo.pid", "--heartbeat-fail=0.5", "--heartbeat-warn", "0.1", "--bind", "::1", "--start-delay", "2.5");

        assertEquals(Path.of("/in"), o.inbox());
        assertEquals(Path.of("/h/outbox"), o.outbox());
        assertEquals(Path.of("/run/foo.pid"), o.pidfile());
        assertEquals(9000, o.port());
        assertEquals(Fault.REFUSE_START, o.fault());
        assertEquals(Duration.ofMillis(500), o.heartbeatFail());
        assertEquals("0:0:0:0:0:0:0:1", o.bindAddress().getHostAddress());
        assertEquals(Duration.ofMillis(2500), o.startDelay());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "--colour red             | unknown option '--colour'",
            "--port                   | option '--port' needs a value",
            "--port 70000             | --port must be 0-65535, got '70000'",
            "--port http              | --port must be 0-65535, got 'http'",
            "--bind localhost         | --bind needs an IP address, got 'localhost'",
            "--poll 0                 | --poll must be more than 0 to 86400 seconds, got '0'",
            "--fault-after -1         | --fault-after must be 0 to 86400 seconds, got '-1'",
            "--slow-delay soon        | --slow-delay needs a number of seconds, got 'soon'",
            "--heartbeat-warn 9       | --heartbeat-warn 9 is later than --heartbeat-fail 5",
            "--fault explode          | unknown fault 'explode': use crash, hang, slow, freeze or refuse-start",
            "--start-delay -0.5       | --start-delay must be 0 to 86400 seconds, got '-0.5'",
            "--start-delay later      | --start-delay needs a number of seconds, got 'later'",
            "--port 1 --port 2        | option '--port' given twice",
            "inbox                    | unexpected argument 'inbox'",
            "--name a:b               | --name must be non-blank without ':', got 'a:b'",
    })
    void badCommandLinesAreUsageErrorsThatSayWhy(String line, String message) {
        BadOption e = assertThrows(BadOption.class, () -> FooOptions.parse(line.trim().split(" +")));
        assertEquals(message.trim(), e.getMessage());
    }
}
