package selfheal.heal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * After a command's run ended well, the worker it healed needs time to be seen healthy; a request for the
 * same command within {@code command.NAME.settle} of that end is a late echo of the trouble just healed
 * (a monitor's re-check that saw the worker still down, its handler's request arriving after the restart),
 * and running it again would be a second outage. So it runs nothing and is answered {@code OK NAME settling}.
 * The end of the last good run is kept in {@code <state.dir>/<name>.settle} (a {@link TimesFile}: fails
 * closed); callers hold the command's {@link GroupLock}. A failed or killed run starts no settle: the worker
 * is still down, and the next request must run.
 */
final class Settle {
    private final Path stateDir;

    Settle(Path stateDir) {
        this.stateDir = stateDir;
    }

    /**
     * How much longer {@code command} settles at {@code now}: zero when it has no settle or no good run
     * within it. Never more than the settle itself, so a clock set back cannot stretch it.
     */
    Duration remaining(AllowedCommand command, Instant now) throws StateException {
        if (command.settle().isZero()) {
            return Duration.ZERO;
        }
        List<Long> ends = file(command.name()).read();
        if (ends.isEmpty()) {
            return Duration.ZERO;
        }
        Duration left = Duration.ofMillis(ends.get(ends.size() - 1) + command.settle().toMillis()
                - now.toEpochMilli());
        if (left.isNegative()) {
            return Duration.ZERO;
        }
        return left.compareTo(command.settle()) > 0 ? command.settle() : left;
    }

    /** Records that a run of {@code command} ended well at {@code end}. */
    void ranWell(AllowedCommand command, Instant end) throws IOException {
        if (!command.settle().isZero()) {
            file(command.name()).write(List.of(end.toEpochMilli()));
        }
    }

    /** Null when {@code command}'s settle can be read (or it has none), else why not (for ping). */
    String problem(AllowedCommand command) {
        if (command.settle().isZero()) {
            return null;
        }
        try {
            file(command.name()).read();
            return null;
        } catch (StateException e) {
            return e.getMessage();
        }
    }

    /** Forgets the last good run, so that the next request runs. True if there was one on record. */
    boolean reset(String name) throws IOException {
        return file(name).delete();
    }

    private TimesFile file(String name) {
        return new TimesFile(stateDir.resolve(name + ".settle"));
    }
}
