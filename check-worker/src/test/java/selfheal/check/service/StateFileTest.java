package selfheal.check.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

    @TempDir
    Path dir;

    @Test
    void holdsPortAndTokenOnOneLineReadableByItsOwnerOnly() throws IOException {
        Path file = dir.resolve("service");
        StateFile.write(file, 40123, "abc123");
        assertEquals("40123 abc123\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "no temporary file left behind");
        }
    }

    @Test
    void replacesTheFileOfAnEarlierRunWhole() throws IOException {
        Path file = dir.resolve("service");
        Files.writeString(file, "1 stale-token-of-a-killed-run\n");
        StateFile.write(file, 2, "new");
        assertEquals("2 new\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void removesItsOwnFileButNotOneALaterRunWrote() throws IOException {
        Path file = dir.resolve("service");
        StateFile first = StateFile.write(file, 1, "first");
        first.remove();
        assertFalse(Files.exists(file));

        StateFile earlier = StateFile.write(file, 1, "earlier");
        StateFile.write(file, 2, "later");
        earlier.remove();
        assertTrue(Files.exists(file));
        assertEquals("2 later\n", Files.readString(file));
    }
}
