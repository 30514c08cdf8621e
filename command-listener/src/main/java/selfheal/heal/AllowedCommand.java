package selfheal.heal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One whitelisted command: the name a client sends and exactly what that name runs.
 *
 * @param name        what the client sends, e.g. {@code foo-restart}
 * @param executable  absolute path of the script (or of sudo)
 * @param fixedArgs   arguments always passed, from the configuration, never from the client
 * @param timeout     after this the script and everything in its process group are killed
 * @param settle      after a run that ended well, a request for it runs nothing for this long ({@link Settle});
 *                    zero: never
 * @param budget      at most so many runs per window, if set
 * @param flap        more runs than this within its window and the command is flapping ({@link HealHistory}):
 *                    its restarts are hiding a fault someone must look at
 * @param group       commands of one group never run at the same time (one lock file per group)
 * @param directory   working directory of the script
 * @param accepts     if set, the client may add one argument that matches this whole pattern
 * @param clients     over TLS, the client identities that may run it ({@link TlsClients#ANY} without TLS)
 */
record AllowedCommand(String name, Path executable, List<String> fixedArgs, Duration timeout,
                      Duration settle, Optional<Budget> budget, Budget flap, String group, Path directory, Optional<Pattern> accepts,
                      TlsClients clients) {

    AllowedCommand {
        Objects.requireNonNull(executable);
        Objects.requireNonNull(timeout);
        Objects.requireNonNull(settle);
        Objects.requireNonNull(budget);
        Objects.requireNonNull(flap);
        Objects.requireNonNull(directory);
        Objects.requireNonNull(accepts);
        Objects.requireNonNull(clients);
        if (!Chars.isName(name)) {
            throw new IllegalArgumentException("command name '" + name + "' is not [A-Za-z0-9][A-Za-z0-9_-]*");
        }
        if (!Chars.isName(group)) {
            throw new IllegalArgumentException("group name '" + group + "' is not [A-Za-z0-9][A-Za-z0-9_-]*");
        }
        fixedArgs = List.copyOf(fixedArgs);
    }

    /** The default lock group: the name up to its last '-', so foo-stop, foo-start, foo-restart share "foo". */
    static String defaultGroup(String name) {
        int dash = name.lastIndexOf('-');
        return dash > 0 ? name.substring(0, dash) : name;
    }

    boolean accepts(List<String> clientArgs) {
        if (clientArgs.isEmpty()) {
            return true;
        }
        return clientArgs.size() == 1 && accepts.isPresent() && accepts.get().matcher(clientArgs.get(0)).matches();
    }
}
