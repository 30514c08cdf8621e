package selfheal.heal;

import java.util.List;

/** The configuration file is unusable; carries one clear message per problem found. */
final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    ConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    List<String> problems() {
        return problems;
    }
}
