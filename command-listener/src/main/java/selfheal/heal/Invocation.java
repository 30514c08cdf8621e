package selfheal.heal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The command line, parsed by hand: three options do not justify loading a parser before every ping.
 * {@code name} is the command to reset, null in every other mode.
 */
record Invocation(Mode mode, Path config, String name) {
    static final String USAGE = "usage: command-listener [--config FILE] | --check-config FILE"
            + " | [--config FILE] --reset NAME | [--config FILE] --watch | --help";

    enum Mode { SERVE, CHECK_CONFIG, RESET, WATCH, HELP }

    /** The command line is wrong: the operator gets the message and the usage line, nothing runs. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    static Invocation parse(String... args) throws Invalid {
        Path config = null;
        Path check = null;
        String reset = null;
        boolean watch = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> {
                    return new Invocation(Mode.HELP, ListenerConfig.DEFAULT_FILE, null);
                }
                case "--watch" -> watch = true;
                case "--config", "--check-config", "--reset" -> {
                    if (i + 1 >= args.length || args[i + 1].isEmpty()) {
                        throw new Invalid(arg + " needs a value");
                    }
                    String value = args[++i];
                    if (arg.equals("--config")) {
                        config = Path.of(value);
                    } else if (arg.equals("--check-config")) {
                        check = Path.of(value);
                    } else {
                        reset = value;
                    }
                }
                default -> throw new Invalid("unknown argument '" + AuditLog.quote(
                        arg.getBytes(StandardCharsets.UTF_8)).replace("\"", "") + "'");
            }
        }
        if (check != null && (config != null || reset != null || watch)) {
            throw new Invalid("--check-config takes the file itself and goes alone");
        }
        if (check != null) {
            return new Invocation(Mode.CHECK_CONFIG, check, null);
        }
        if (watch && reset != null) {
            throw new Invalid("--watch and --reset go separately");
        }
        Path file = config == null ? ListenerConfig.DEFAULT_FILE : config;
        if (watch) {
            return new Invocation(Mode.WATCH, file, null);
        }
        return reset != null ? new Invocation(Mode.RESET, file, reset) : new Invocation(Mode.SERVE, file, null);
    }
}
