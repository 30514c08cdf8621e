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
    private final Plugin plugin = new Plugin("TEST", "check_test", "Tests the kernel.", "-H HOST [-w RANGE]",
            "  check_test -H example.org\n    an example\n",
            StandardArgs.addTo(new Options(), "host (required)", "port (default 1)")
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
        assertTrue(output().startsWith("check_test v"), "the version line first, as monitoring-plugins print it: " + output());
        assertTrue(output().contains("usage: check_test -H HOST [-w RANGE]"), output());
        assertTrue(output().contains("Examples:\n  check_test -H example.org\n    an example"), output());
        assertTrue(output().contains("--extra-opts"), output());
        bytes.reset();
        assertEquals(3, plugin.run(new String[] {"-V"}, out, cmd -> CheckResult.of("TEST", Status.OK, "x")));
        assertTrue(output().matches("check_test v(\\S+) \\(selfheal \\1\\)\n"), output());
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
            seen[0] = StandardArgs.from(cmd, cmd.getOptionValue("H"), 1);
            return CheckResult.of("TEST", Status.OK, "x");
        });
        assertEquals(new StandardArgs("example.org", 8080, Duration.ofMillis(2500), 3), seen[0]);
        plugin.run(new String[] {"-H", "h"}, out, cmd -> {
            seen[0] = StandardArgs.from(cmd, cmd.getOptionValue("H"), 1);
            return CheckResult.of("TEST", Status.OK, "x");
        });
        assertEquals(new StandardArgs("h", 1, Duration.ofSeconds(10), 0), seen[0]);
    }

    @Test
    void withoutAHostItIsAUsageErrorNotACheckOfSomeDefaultHost() {
        assertEquals(3, plugin.run(new String[0], out, cmd -> {
            StandardArgs.from(cmd, cmd.getOptionValue("H"), 1);
            return CheckResult.of("TEST", Status.OK, "x");
        }));
        assertEquals("TEST UNKNOWN - usage: -H/--hostname is required (see check_test --help)\n", output());
    }

    @Test
    void extraOptsComeFromTheIniFileAndTheCommandLineWins(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("plugins.ini"), "# comment\n[other]\nhostname=wrong\n"
                + "[check_test]\nhostname = from-ini\nw=5\n\n[site]\n; another comment\nhostname=site-host\nverbose=\n");
        String[] seen = new String[3];
        Plugin.Check remember = cmd -> {
            seen[0] = cmd.getOptionValue("H");
            seen[1] = cmd.getOptionValue("w");
            seen[2] = String.valueOf(cmd.hasOption("v"));
            return CheckResult.of("TEST", Status.OK, "x");
        };
        assertEquals(0, plugin.run(new String[] {"--extra-opts=@plugins.ini"}, dir, out, remember));
        assertEquals("from-ini 5 false", String.join(" ", seen));
        assertEquals(0, plugin.run(new String[] {"--extra-opts", "site@" + dir.resolve("plugins.ini"), "-w", "7"}, dir, out, remember));
        assertEquals("site-host 7 true", String.join(" ", seen));
        assertEquals(0, plugin.run(new String[] {"-H", "cli", "--extra-opts=@plugins.ini"}, dir, out, remember));
        assertEquals("cli 5 false", String.join(" ", seen));
        bytes.reset();
        assertEquals(3, plugin.run(new String[] {"--extra-opts=nosuch@plugins.ini"}, dir, out, remember));
        assertEquals("TEST UNKNOWN - usage: --extra-opts: invalid section 'nosuch' in config file '" + dir.resolve("plugins.ini")
                + "' (see check_test --help)\n", output());
        bytes.reset();
        assertEquals(3, plugin.run(new String[] {"--extra-opts=@missing.ini"}, dir, out, remember));
        assertTrue(output().startsWith("TEST UNKNOWN - usage: --extra-opts: cannot read config file "), output());
        java.nio.file.Files.writeString(dir.resolve("bad.ini"), "hostname=x\n");
        bytes.reset();
        assertEquals(3, plugin.run(new String[] {"--extra-opts=@bad.ini"}, dir, out, remember));
        assertTrue(output().contains("config file error in "), output());
    }

    @Test
    void theStandardIniFileIsFoundAsMonitoringPluginsFindIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("plugins.ini"), "[check_test]\nH=x\n");
        assertEquals(dir.resolve("plugins.ini"), ExtraOpts.standardFile(java.util.Map.of("NAGIOS_CONFIG_PATH", "/nonexistent:" + dir)));
        assertEquals(java.nio.file.Path.of("/some/file.ini"), ExtraOpts.standardFile(java.util.Map.of("MP_CONFIG_FILE", "/some/file.ini",
                "NAGIOS_CONFIG_PATH", dir.toString())));
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
