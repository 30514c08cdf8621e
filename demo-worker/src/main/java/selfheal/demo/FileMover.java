package selfheal.demo;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Foo's work: moves every regular file of the inbox to the outbox, never overwriting one. Names starting with
 * a dot are left alone, so a producer can write {@code .name} and rename it when complete.
 */
final class FileMover {
    private final Path inbox;
    private final Path outbox;
    private final Log log;
    private final AtomicLong moved = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    // Files that failed to move: counted and logged once, not on every scan.
    private final Set<Path> failing = new HashSet<>();

    FileMover(Path inbox, Path outbox, Log log) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.log = log;
    }

    /** One scan: moves what is in the inbox now. Called from the work loop only. */
    void moveAll() throws IOException {
        List<Path> waiting = waiting();
        failing.retainAll(waiting);
        for (Path file : waiting) {
            try {
                move(file);
                moved.incrementAndGet();
                failing.remove(file);
            } catch (IOException e) {
                if (failing.add(file)) {
                    errors.incrementAndGet();
                    log.info("cannot move " + file.getFileName() + ": " + e);
                }
            }
        }
    }

    /** Files waiting in the inbox now. */
    long queueDepth() throws IOException {
        return waiting().size();
    }

    long moved() {
        return moved.get();
    }

    long errors() {
        return errors.get();
    }

    private void move(Path file) throws IOException {
        Path target = outbox.resolve(file.getFileName());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("outbox already has " + file.getFileName());
        }
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            Files.move(file, target);
        }
    }

    private List<Path> waiting() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().startsWith(".")
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(entry);
                }
            }
        }
        files.sort(null);
        return files;
    }
}
