package selfheal.heal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The runs of each budgeted command, shared by every listener process through files in state.dir:
 * {@code <name>.runs} holds the start times (epoch ms, one per line) within the window, and
 * {@code <name>.exhausted} exists from the first refusal until an operator resets it. Callers hold the
 * command's {@link GroupLock} while they take a run or reset, so the read-modify-write never races.
 * Ping only tests for the marker files, which costs one stat per budgeted command.
 */
final class BudgetLedger {
    private final Path stateDir;

    BudgetLedger(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** Budgeted commands whose budget is exhausted, in the order given. */
    List<String> exhausted(Iterable<AllowedCommand> commands) {
        List<String> names = new ArrayList<>();
        for (AllowedCommand command : commands) {
            if (command.budget().isPresent() && Files.exists(marker(command.name()))) {
                names.add(command.name());
            }
        }
        return names;
    }

    /**
     * Records a run starting now and returns true, or returns false (and marks the budget exhausted, sticky)
     * when the command has already used its budget within the window. Caller holds the group lock.
     */
    boolean take(AllowedCommand command, Budget budget, Instant now) throws IOException {
        if (Files.exists(marker(command.name()))) {
            return false;
        }
        long since = now.minus(budget.window()).toEpochMilli();
        List<Long> runs = new ArrayList<>();
        for (long run : read(command.name(), now)) {
            if (run > since) {
                runs.add(run);
            }
        }
        if (runs.size() >= budget.runs()) {
            Files.writeString(marker(command.name()), now + " " + runs.size() + " runs within " + budget + "\n",
                    StandardCharsets.US_ASCII);
            return false;
        }
        runs.add(now.toEpochMilli());
        write(command.name(), runs);
        return true;
    }

    /** Forgets the runs and the exhausted marker. Caller holds the group lock. True if there was a marker. */
    boolean reset(String name) throws IOException {
        boolean wasExhausted = Files.deleteIfExists(marker(name));
        Files.deleteIfExists(runs(name));
        return wasExhausted;
    }

    private List<Long> read(String name, Instant now) throws IOException {
        Path file = runs(name);
        List<Long> runs = new ArrayList<>();
        if (!Files.exists(file)) {
            return runs;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            try {
                runs.add(Long.parseLong(line.strip()));
            } catch (NumberFormatException e) {
                // A damaged line counts as a run now: when unsure, spend budget rather than grant it.
                runs.add(now.toEpochMilli());
            }
        }
        return runs;
    }

    private void write(String name, List<Long> runs) throws IOException {
        StringBuilder text = new StringBuilder();
        for (long run : runs) {
            text.append(run).append('\n');
        }
        Path temp = stateDir.resolve(name + ".runs.tmp");
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        Files.move(temp, runs(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path runs(String name) {
        return stateDir.resolve(name + ".runs");
    }

    Path marker(String name) {
        return stateDir.resolve(name + ".exhausted");
    }
}
