package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration file as an operator (or a broken deploy) may leave it: any bytes. The ordinary test run
 * replays the seeds in src/test/resources/selfheal/heal/ListenerConfigFuzzTestInputs; {@code scripts/fuzz}
 * fuzzes the target.
 */
class ListenerConfigFuzzTest {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    /** One file for the whole run, 0600 and owned by the test user, as the loader wants its configuration. */
    private static Path file;

    private static synchronized Path file() {
        if (file == null) {
            try {
                Path dir = Files.createTempDirectory("listener-config-fuzz",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                file = Files.createFile(dir.resolve("listener.properties"),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    /**
     * ListenerConfig.load either returns a configuration that keeps the rules (at least one command, each with
     * a valid, unreserved name and an absolute script; timeouts above zero and within their bounds; the
     * connection cap within its own), or
     * throws ConfigException with a non-empty list of non-blank problems; never anything else.
     */
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void loadReturnsAValidConfigurationOrItsProblems(byte[] content) throws IOException {
        Path path = file();
        Files.write(path, content);
        ListenerConfig config;
        try {
            config = ListenerConfig.load(path);
        } catch (ConfigException e) {
            assertFalse(e.problems().isEmpty(), "a ConfigException without problems");
            for (String problem : e.problems()) {
                assertFalse(problem.isBlank(), "a blank problem in " + e.problems());
            }
            return;
        }
        assertFalse(config.commands().isEmpty());
        for (Map.Entry<String, AllowedCommand> entry : config.commands().entrySet()) {
            assertTrue(NAME.matcher(entry.getKey()).matches(), entry.getKey());
            assertFalse(ListenerConfig.RESERVED.contains(entry.getKey()), entry.getKey());
            assertTrue(entry.getValue().executable().isAbsolute(), entry.getValue().executable().toString());
            assertTrue(NAME.matcher(entry.getValue().group()).matches(), entry.getValue().group());
            assertTrue(within(entry.getValue().timeout(), Duration.ofHours(1)), entry.getValue().timeout().toString());
        }
        assertTrue(within(config.readTimeout(), Duration.ofSeconds(60)), config.readTimeout().toString());
        assertTrue(config.stateDir().isAbsolute() && config.auditLog().isAbsolute());
        int connections = config.residency().connections();
        assertTrue(connections >= 1 && connections <= 256, String.valueOf(connections));
        int perSource = config.residency().perSource();
        assertTrue(perSource >= 1 && perSource <= 256, String.valueOf(perSource));
    }

    private static boolean within(Duration d, Duration max) {
        return d.compareTo(Duration.ZERO) > 0 && d.compareTo(max) <= 0;
    }
}
