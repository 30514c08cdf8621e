package selfheal.heal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The command line, parsed by hand: three options do not justify loading a parser before every ping.
 * {@code name} is the command to reset, or the command or bundle id to show evidence of, null in every other
 * mode; {@code file} the one file of a bundle to show, or null.
 */
record Invocation(Mode mode, Path config, String name, String file) {
    static final String USAGE = "usage: command-listener [--config FILE] | --check-config FILE"
            + " | [--config FILE] --reset NAME | [--config FILE] --watch"
            + " | [--config FILE] --evidence [COMMAND | ID [FILE]] | --help";

    enum Mode { SERVE, CHECK_CONFIG, RESET, WATCH, EVIDENCE, HELP }

    Invocation(Mode mode, Path config, String name) {
        this(mode, config, name, null);
    }

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
        Invocation evidence = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--evidence" -> {
                    // up to two operands: COMMAND or ID, then FILE
                    String[] operands = new String[2];
                    for (int n = 0; n < 2 && i + 1 < args.length && !args[i + 1].startsWith("-"); n++) {
                        operands[n] = args[++i];
                    }
                    evidence = new Invocation(Mode.EVIDENCE, null, operands[0], operands[1]);
                }
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
        if (check != null && (config != null || reset != null || watch || evidence != null)) {
            throw new Invalid("--check-config takes the file itself and goes alone");
        }
        if (check != null) {
            return new Invocation(Mode.CHECK_CONFIG, check, null);
        }
        if (watch && reset != null) {
            throw new Invalid("--watch and --reset go separately");
        }
        Path file = config == null ? ListenerConfig.DEFAULT_FILE : config;
        if (evidence != null) {
            if (watch || reset != null) {
                throw new Invalid("--evidence goes alone (with --config at most)");
            }
            return new Invocation(Mode.EVIDENCE, file, evidence.name(), evidence.file());
        }
        if (watch) {
            return new Invocation(Mode.WATCH, file, null);
        }
        return reset != null ? new Invocation(Mode.RESET, file, reset) : new Invocation(Mode.SERVE, file, null);
    }
}
