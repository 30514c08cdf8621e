package selfheal.heal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The runs of each budgeted command, shared by every listener process through files in state.dir:
 * {@code <name>.runs} holds the start times (epoch ms, one per line, each ended by a newline) within the
 * window (a {@link TimesFile}: fails closed, only {@code --reset} forgets a damaged one), and
 * {@code <name>.exhausted} exists from the first refusal until an operator resets it. Callers hold the
 * command's {@link GroupLock} while they take a run or reset, so the read-modify-write never races.
 * No file is opened through a symbolic link.
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
            runs(command.name()).read();
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
        runs(command.name()).write(runs);
    }

    /** The runs on record that still count: those within the window before now. */
    private List<Long> within(String name, Budget budget, Instant now) throws IOException {
        long since = now.minus(budget.window()).toEpochMilli();
        List<Long> runs = new ArrayList<>();
        for (long run : runs(name).read()) {
            if (run > since) {
                runs.add(run);
            }
        }
        return runs;
    }

    /** Forgets the runs and the exhausted marker. Caller holds the group lock. True if there was a marker. */
    boolean reset(String name) throws IOException {
        boolean wasExhausted = Files.deleteIfExists(marker(name));
        runs(name).delete();
        return wasExhausted;
    }

    private TimesFile runs(String name) {
        return new TimesFile(stateDir.resolve(name + ".runs"));
    }

    Path marker(String name) {
        return stateDir.resolve(name + ".exhausted");
    }
}
