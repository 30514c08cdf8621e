package selfheal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMoverTest {
    @TempDir
    Path home;
    private Path inbox;
    private Path outbox;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private FileMover mover;

    @BeforeEach
    void dirs() throws IOException {
        inbox = Files.createDirectory(home.resolve("inbox"));
        outbox = Files.createDirectory(home.resolve("outbox"));
        mover = new FileMover(inbox, outbox, new Log(new PrintStream(log, true, StandardCharsets.UTF_8)));
    }

    @Test
    void movesRegularFilesWithTheirContent() throws IOException {
        Files.writeString(inbox.resolve("a.csv"), "1,2");
        Files.writeString(inbox.resolve("b.csv"), "3,4");
        assertEquals(2, mover.queueDepth());

        mover.moveAll();

        assertEquals("1,2", Files.readString(outbox.resolve("a.csv")));
        assertEquals("3,4", Files.readString(outbox.resolve("b.csv")));
        assertEquals(0, mover.queueDepth());
        assertEquals(2, mover.moved());
        assertEquals(0, mover.errors());
    }

    @Test
    void leavesDotFilesAndDirectoriesAlone() throws IOException {
        Files.writeString(inbox.resolve(".partial"), "writing");
        Files.createDirectory(inbox.resolve("sub"));

        mover.moveAll();

        assertTrue(Files.exists(inbox.resolve(".partial")));
        assertTrue(Files.isDirectory(inbox.resolve("sub")));
        assertEquals(0, mover.queueDepth());
        assertEquals(0, mover.moved());
    }

    @Test
    void neverOverwritesAndCountsAStuckFileOnce() throws IOException {
        Files.writeString(outbox.resolve("dup.txt"), "old");
        Files.writeString(inbox.resolve("dup.txt"), "new");

        mover.moveAll();
        mover.moveAll();
        mover.moveAll();

        assertEquals("old", Files.readString(outbox.resolve("dup.txt")));
        assertEquals("new", Files.readString(inbox.resolve("dup.txt")));
        assertEquals(1, mover.errors());
        assertEquals(1, mover.queueDepth());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("cannot move dup.txt: java.io.IOException: outbox already has dup.txt"));

        Files.delete(outbox.resolve("dup.txt"));
        mover.moveAll();

        assertEquals("new", Files.readString(outbox.resolve("dup.txt")));
        assertEquals(1, mover.moved());
    }

    @Test
    void aMissingInboxIsAnError() throws IOException {
        Files.delete(inbox);

        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, mover::queueDepth);
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, mover::moveAll);
    }
}
