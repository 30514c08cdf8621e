package selfheal.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;

class PluginTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final Plugin plugin = new Plugin("TEST", "check_test", "Tests the kernel.",
            StandardArgs.addTo(new Options(), "127.0.0.1", "port (default 1)")
                    .addOption("w", "warning", true, "warning range"));

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnexpectedExceptionIsOneUnknownLine() {
        int code = plugin.run(new String[0], out, cmd -> {
            throw new IllegalStateException("boom");
        });
        assertEquals(3, code);
        assertEquals("TEST UNKNOWN - internal error: IllegalStateException: boom\n", output());
    }

    @Test
    void aBadRangeIsAUsageErrorNamingIt() {
        int code = plugin.run(new String[] {"-w", "20:10"}, out, cmd -> {
            Range.parse(cmd.getOptionValue("w"));
            return CheckResult.of("TEST", Status.OK, "unreachable");
        });
        assertEquals(3, code);
        assertEquals("TEST UNKNOWN - usage: bad range '20:10': start is greater than end (see check_test --help)\n", output());
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertEquals(3, plugin.run(new String[] {"--nope"}, out, cmd -> CheckResult.of("TEST", Status.OK, "x")));
        assertTrue(output().startsWith("TEST UNKNOWN - usage: Unrecognized option: --nope"), output());
    }

    @Test
    void aStrayArgumentIsAUsageError() {
        assertEquals(3, plugin.run(new String[] {"stray"}, out, cmd -> CheckResult.of("TEST", Status.OK, "x")));
        assertEquals("TEST UNKNOWN - usage: unexpected argument 'stray' (see check_test --help)\n", output());
    }

    @Test
    void helpAndVersionExitUnknown() {
        assertEquals(3, plugin.run(new String[] {"--help"}, out, cmd -> CheckResult.of("TEST", Status.OK, "x")));
        assertTrue(output().contains("--timeout <SECONDS>"), output());
        bytes.reset();
        assertEquals(3, plugin.run(new String[] {"-V"}, out, cmd -> CheckResult.of("TEST", Status.OK, "x")));
        assertTrue(output().matches("check_test \\S+\n"), output());
    }

    @Test
    void theResultDecidesTheExitCode() {
        assertEquals(1, plugin.run(new String[0], out, cmd -> CheckResult.of("TEST", Status.WARNING, "meh")));
        assertEquals("TEST WARNING - meh\n", output());
    }

    @Test
    void standardArgsHaveDefaultsAndCountVerbosity() throws Exception {
        StandardArgs[] seen = new StandardArgs[1];
        plugin.run(new String[] {"-v", "-vv", "-t", "2.5", "-H", "example.org", "-p", "8080"}, out, cmd -> {
            seen[0] = StandardArgs.from(cmd, "127.0.0.1", 1);
            return CheckResult.of("TEST", Status.OK, "x");
        });
        assertEquals(new StandardArgs("example.org", 8080, Duration.ofMillis(2500), 3), seen[0]);
        plugin.run(new String[0], out, cmd -> {
            seen[0] = StandardArgs.from(cmd, "127.0.0.1", 1);
            return CheckResult.of("TEST", Status.OK, "x");
        });
        assertEquals(new StandardArgs("127.0.0.1", 1, Duration.ofSeconds(10), 0), seen[0]);
    }

    @Test
    void badTimeoutAndPortAreUsageErrors() {
        plugin.run(new String[] {"-t", "0"}, out, cmd -> {
            StandardArgs.from(cmd, "h", 1);
            return CheckResult.of("TEST", Status.OK, "x");
        });
        assertEquals("TEST UNKNOWN - usage: bad --timeout '0': expected a positive number of seconds (see check_test --help)\n", output());
        bytes.reset();
        plugin.run(new String[] {"-p", "70000"}, out, cmd -> {
            StandardArgs.from(cmd, "h", 1);
            return CheckResult.of("TEST", Status.OK, "x");
        });
        assertEquals("TEST UNKNOWN - usage: bad --port '70000': expected 1..65535 (see check_test --help)\n", output());
    }
}
