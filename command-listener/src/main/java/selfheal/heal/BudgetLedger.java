package selfheal.heal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The runs of each budgeted command, shared by every listener process through files in state.dir:
 * {@code <name>.runs} holds the start times (epoch ms, one per line, each ended by a newline) within the
 * window, and {@code <name>.exhausted} exists from the first refusal until an operator resets it. Callers hold
 * the command's {@link GroupLock} while they take a run or reset, so the read-modify-write never races.
 * Fails closed: a ledger that cannot be read or parsed (a damaged or a truncated line, a symbolic link, not a
 * file) is a {@link StateException}, never an empty ledger; only {@code --reset} forgets it. No file is
 * opened through a symbolic link; the temporary file is created anew.
 */
final class BudgetLedger {
    private final Path stateDir;

    BudgetLedger(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** Budgeted commands whose budget is exhausted, in the order given. One lstat each. */
    List<String> exhausted(Iterable<AllowedCommand> commands) {
        List<String> names = new ArrayList<>();
        for (AllowedCommand command : commands) {
            if (command.budget().isPresent() && Files.exists(marker(command.name()), LinkOption.NOFOLLOW_LINKS)) {
                names.add(command.name());
            }
        }
        return names;
    }

    /** Null when {@code command} has no budget or its ledger can be read, else why not (for ping). */
    String problem(AllowedCommand command) {
        if (command.budget().isEmpty()) {
            return null;
        }
        try {
            read(command.name());
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /**
     * Whether the command may run once more now; false (and the budget marked exhausted, sticky) when it has
     * already used its budget within the window. Nothing is counted: {@link #record} does that once the
     * script has started. Caller holds the group lock from here until the run is recorded.
     */
    boolean hasRoom(AllowedCommand command, Budget budget, Instant now) throws IOException {
        if (Files.exists(marker(command.name()), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        List<Long> runs = within(command.name(), budget, now);
        if (runs.size() >= budget.runs()) {
            try (OutputStream out = Files.newOutputStream(marker(command.name()), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                out.write((now + " " + runs.size() + " runs within " + budget + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            return false;
        }
        return true;
    }

    /** Counts a run that started now. Caller holds the group lock. */
    void record(AllowedCommand command, Budget budget, Instant now) throws IOException {
        List<Long> runs = within(command.name(), budget, now);
        runs.add(now.toEpochMilli());
        write(command.name(), runs);
    }

    /** The runs on record that still count: those within the window before now. */
    private List<Long> within(String name, Budget budget, Instant now) throws IOException {
        long since = now.minus(budget.window()).toEpochMilli();
        List<Long> runs = new ArrayList<>();
        for (long run : read(name)) {
            if (run > since) {
                runs.add(run);
            }
        }
        return runs;
    }

    /** Forgets the runs and the exhausted marker. Caller holds the group lock. True if there was a marker. */
    boolean reset(String name) throws IOException {
        boolean wasExhausted = Files.deleteIfExists(marker(name));
        Files.deleteIfExists(runs(name));
        return wasExhausted;
    }

    /** The runs on record; none if there is no ledger yet; a StateException if it cannot be trusted. */
    private List<Long> read(String name) throws IOException {
        Path file = runs(name);
        byte[] bytes;
        try (InputStream in = Channels.newInputStream(FileChannel.open(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS))) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        } catch (IOException e) {
            throw new StateException("ledger " + file + " cannot be read: " + e, e);
        }
        List<Long> runs = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                runs.add(number(file, bytes, start, i, runs.size() + 1));
                start = i + 1;
            }
        }
        if (start != bytes.length) {
            throw new StateException("ledger " + file + ": line " + (runs.size() + 1) + " is truncated");
        }
        return runs;
    }

    private static long number(Path file, byte[] bytes, int from, int to, int lineNumber) throws StateException {
        long value = 0;
        for (int i = from; i < to; i++) {
            if (bytes[i] < '0' || bytes[i] > '9' || i - from >= 18) {
                throw new StateException("ledger " + file + ": line " + lineNumber + " is damaged");
            }
            value = value * 10 + (bytes[i] - '0');
        }
        if (to == from) {
            throw new StateException("ledger " + file + ": line " + lineNumber + " is empty");
        }
        return value;
    }

    private void write(String name, List<Long> runs) throws IOException {
        StringBuilder text = new StringBuilder();
        for (long run : runs) {
            text.append(run).append('\n');
        }
        Path temp = stateDir.resolve(name + ".runs.tmp");
        Files.deleteIfExists(temp); // a leftover, or whatever was planted there: the link, never its target
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        }
        Files.move(temp, runs(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path runs(String name) {
        return stateDir.resolve(name + ".runs");
    }

    Path marker(String name) {
        return stateDir.resolve(name + ".exhausted");
    }
}
