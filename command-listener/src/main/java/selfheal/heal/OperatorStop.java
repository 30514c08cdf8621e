package selfheal.heal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A worker stopped on purpose stays stopped: when a command named {@code *-stop} ends well, the marker
 * {@code <state.dir>/<group>.stopped} is written, and when any other command of the group ends well (a start,
 * a restart) it is removed. The local watch heals no worker of a stopped group, so an operator's stop (the
 * panic button) is never undone by it; a crash writes no marker. Callers hold the group's {@link GroupLock}.
 */
final class OperatorStop {
    private final Path stateDir;

    OperatorStop(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** Whether {@code command} stops its group, by the naming convention foo-stop, foo-start, foo-restart. */
    static boolean stops(AllowedCommand command) {
        return command.name().endsWith("-stop");
    }

    /** Records that {@code command} ended well. */
    void ranWell(AllowedCommand command) throws IOException {
        Path marker = marker(command.group());
        if (stops(command)) {
            Files.write(marker, (command.name() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS);
        } else {
            Files.deleteIfExists(marker);
        }
    }

    /** Whether the last command of {@code group} that ended well was a stop. */
    boolean stopped(String group) {
        return Files.exists(marker(group), LinkOption.NOFOLLOW_LINKS);
    }

    private Path marker(String group) {
        return stateDir.resolve(group + ".stopped");
    }
}
