package selfheal.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * The skeleton every plugin runs through: parse the arguments, answer --help/--version, run the check,
 * print the result, return the exit code. It is the one place that turns a usage error or any unexpected
 * exception into a one-line UNKNOWN, so no stack trace ever reaches Nagios.
 */
public final class Plugin {

    /** The plugin-specific part: evaluates a parsed command line into a result. */
    @FunctionalInterface
    public interface Check {
        CheckResult run(CommandLine cmd) throws Exception;
    }

    private final String service;
    private final String name;
    private final String synopsis;
    private final String usage;
    private final String examples;
    private final Options options;

    /**
     * @param service first word of every output line, e.g. WORKER
     * @param name the command name, e.g. check_worker
     * @param synopsis one paragraph for --help
     * @param usage the usage line after the name, e.g. "-H HOST [-p PORT]"
     * @param examples the end of --help: example command lines, each with what it does
     */
    public Plugin(String service, String name, String synopsis, String usage, String examples, Options options) {
        this.service = service;
        this.name = name;
        this.synopsis = synopsis;
        this.usage = usage;
        this.examples = examples;
        this.options = options.addOption(org.apache.commons.cli.Option.builder().longOpt("extra-opts")
                .optionalArg(true).argName("[SECTION][@FILE]")
                .desc("read options from an ini file, as monitoring-plugins do (section default: " + name + ")").build());
    }

    /**
     * Ends the plugin's JVM with {@code status} once {@code out} is flushed. Runtime.halt, not System.exit: a
     * plugin registers no shutdown hooks, and since JDK 21 System.exit first sets up System.Logger to log the
     * exit at debug level, some 110 classes and 12 ms of every check on JDK 25 (bench/README.md).
     */
    public static void exit(PrintStream out, int status) {
        out.flush();
        Runtime.getRuntime().halt(status);
    }

    /** One evaluation, already parsed, for {@link #guard}. */
    @FunctionalInterface
    public interface Evaluation {
        CheckResult run() throws Exception;
    }

    public int run(String[] args, PrintStream out, Check check) {
        return run(args, Path.of(""), out, check);
    }

    /** As {@link #run(String[], PrintStream, Check)}; a relative {@code --extra-opts} file is in {@code directory}. */
    public int run(String[] args, Path directory, PrintStream out, Check check) {
        boolean[] answered = {false}; // --help or --version: printed already, no result line
        CheckResult result = guard(new Evaluation() {
            @Override
            public CheckResult run() throws Exception {
                CommandLine cmd = parse(ExtraOpts.expand(args, name, System.getenv(), directory));
                if (cmd.hasOption("h")) {
                    printHelp(out);
                    answered[0] = true;
                    return null;
                }
                if (cmd.hasOption("V")) {
                    out.println(versionLine());
                    answered[0] = true;
                    return null;
                }
                return check.run(cmd);
            }
        });
        if (answered[0]) {
            return Status.UNKNOWN.exitCode();
        }
        out.print(result.render());
        out.flush();
        return result.status().exitCode();
    }

    /** What {@code evaluation} comes to, a usage error or any unexpected exception being a one-line UNKNOWN. */
    public CheckResult guard(Evaluation evaluation) {
        try {
            return evaluation.run();
        } catch (UsageException e) {
            return CheckResult.of(service, Status.UNKNOWN, "usage: " + e.getMessage() + " (see " + name + " --help)");
        } catch (Exception | LinkageError | StackOverflowError | OutOfMemoryError e) {
            return CheckResult.of(service, Status.UNKNOWN, "internal error: " + describe(e));
        }
    }

    /** The command line parsed against this plugin's options, or what is wrong with it. */
    public CommandLine parse(String[] args) throws UsageException {
        try {
            CommandLine cmd = new DefaultParser().parse(options, args);
            if (!cmd.getArgList().isEmpty()) {
                throw new UsageException("unexpected argument '" + cmd.getArgList().get(0) + "'");
            }
            return cmd;
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** "Type: message" of an exception, for one-line diagnostics. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** monitoring-plugins' form: "check_worker v0.1.0 (selfheal 0.1.0)". */
    String versionLine() {
        String version = version();
        return name + " v" + version + " (selfheal " + version + ")";
    }

    @SuppressWarnings("deprecation") // HelpFormatter is the formatter commons-cli 1.9 ships with
    private void printHelp(PrintStream out) {
        PrintWriter w = new PrintWriter(out);
        w.println(versionLine());
        w.println();
        HelpFormatter f = new HelpFormatter();
        f.setOptionComparator(null);
        f.printHelp(w, 100, name + " " + usage, "\n" + synopsis + "Options:", options, 2, 3,
                "\nExit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Ranges: [@][start:][end], e.g. 10, 10:, ~:10,"
                        + " 10:20, @10:20.\n\nExamples:\n" + examples);
        w.flush();
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Plugin.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable resource just means an unknown version
        }
        return p.getProperty("version", "unknown");
    }
}
