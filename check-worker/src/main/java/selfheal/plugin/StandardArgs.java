package selfheal.plugin;

import java.time.Duration;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * The options every plugin takes: -h, -V, -v (repeatable), -t, -H, -p.
 *
 * @param port the port given with -p, or the plugin's default
 * @param verbosity how many times -v was given
 */
public record StandardArgs(String hostname, int port, Duration timeout, int verbosity) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public StandardArgs {
        if (hostname == null || hostname.isBlank()) {
            throw new IllegalArgumentException("hostname must not be blank");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /**
     * Adds the standard options to {@code options}; the texts name the plugin's defaults. {@code hostHelp}
     * describes -H, which every plugin requires (as monitoring-plugins' do: a check of a default host would
     * answer for the wrong one).
     */
    public static Options addTo(Options options, String hostHelp, String portHelp) {
        return options
                .addOption("h", "help", false, "print this help and exit (3)")
                .addOption("V", "version", false, "print the version and exit (3)")
                .addOption("v", "verbose", false, "more detail in the long output; repeat for more")
                .addOption(Option.builder("t").longOpt("timeout").hasArg().argName("SECONDS")
                        .desc("overall deadline for the whole check, decimals allowed (default 10)").build())
                .addOption(Option.builder("H").longOpt("hostname").hasArg().argName("HOST")
                        .desc(hostHelp).build())
                .addOption(Option.builder("p").longOpt("port").hasArg().argName("PORT").desc(portHelp).build());
    }

    /**
     * Reads the standard options from a parsed command line, validating them.
     *
     * @param host -H's value, or what the plugin takes in its place (check_worker: -I); null when neither was
     *     given, a usage error
     */
    public static StandardArgs from(CommandLine cmd, String host, int defaultPort) throws UsageException {
        if (host == null) {
            throw new UsageException("-H/--hostname is required");
        }
        host = host.trim();
        if (host.isEmpty() || host.startsWith("-")) {
            throw new UsageException("bad --hostname '" + host + "'");
        }
        int port = defaultPort;
        if (cmd.hasOption("p")) {
            port = parsePort(cmd.getOptionValue("p"));
        }
        Duration timeout = DEFAULT_TIMEOUT;
        if (cmd.hasOption("t")) {
            timeout = parseSeconds("--timeout", cmd.getOptionValue("t"));
        }
        int verbosity = 0;
        for (Option o : cmd.getOptions()) {
            if ("v".equals(o.getOpt())) {
                verbosity++;
            }
        }
        return new StandardArgs(host, port, timeout, verbosity);
    }

    static int parsePort(String text) throws UsageException {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // falls through to the usage error
        }
        throw new UsageException("bad --port '" + text + "': expected 1..65535");
    }

    /** Double.parseDouble takes "1e3", "Infinity" and "10d"; seconds are plain decimals. */
    private static boolean hasLetter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    /** A positive number of seconds (decimals allowed) as a Duration. */
    public static Duration parseSeconds(String option, String text) throws UsageException {
        try {
            double seconds = Double.parseDouble(text.trim());
            if (seconds > 0 && seconds <= 86_400 && !hasLetter(text)) {
                return Duration.ofNanos(Math.round(seconds * 1e9));
            }
        } catch (NumberFormatException e) {
            // falls through to the usage error
        }
        throw new UsageException("bad " + option + " '" + text + "': expected a positive number of seconds");
    }

    /**
     * The option's value, or the default when it is absent. Not commons-cli's getOptionValue(name, default):
     * that wraps the default in a lambda (the start-up rule, package-info).
     */
    public static String valueOr(CommandLine cmd, String option, String defaultValue) {
        String value = cmd.getOptionValue(option);
        return value == null ? defaultValue : value;
    }
}
