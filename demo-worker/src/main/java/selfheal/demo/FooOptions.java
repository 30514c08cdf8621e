package selfheal.demo;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * foo's configuration, parsed from its command line. Every directory and file defaults to a place under
 * {@code --home}, so one option is enough to run an instance in a directory of its own.
 */
record FooOptions(
        boolean help,
        String name,
        InetAddress bindAddress,
        int port,
        Path inbox,
        Path outbox,
        Path pidfile,
        Path faultDir,
        Duration poll,
        Duration heartbeatWarn,
        Duration heartbeatFail,
        Fault fault,
        Duration faultAfter,
        Duration slowDelay,
        Duration startDelay) {

    static final int DEFAULT_PORT = 8081;

    static final String USAGE = """
            Usage: foo [OPTION]...
            A file mover (inbox -> outbox) with an application/health+json status endpoint.

              --home DIR             base directory for the defaults below (default: .)
              --inbox DIR            directory to take files from (default: HOME/inbox)
              --outbox DIR           directory to move files to (default: HOME/outbox)
              --pidfile FILE         written once the endpoint listens (default: HOME/foo.pid)
              --bind ADDRESS         address of the status endpoint (default: 127.0.0.1)
              --port PORT            port of the status endpoint, 0 for any free one (default: 8081)
              --name NAME            serviceId and componentId in the status (default: foo)
              --poll SECONDS         pause between two scans of the inbox (default: 0.25)
              --heartbeat-warn SECONDS   heartbeat age at which the status warns (default: 2)
              --heartbeat-fail SECONDS   heartbeat age at which the status fails, HTTP 503 (default: 5)
              --fault MODE           break on purpose: crash, hang, slow, freeze or refuse-start
              --fault-after SECONDS  delay between readiness and the --fault (default: 0)
              --slow-delay SECONDS   how late each answer is in slow mode (default: 15)
              --start-delay SECONDS  wait before binding the port and writing the pidfile, as a
                                     slow service does (default: 0)
              --fault-dir DIR        where flag files fault-crash, fault-hang, fault-slow,
                                     fault-freeze, fault-refuse-start and fault-slow-start are
                                     looked for (default: HOME)
              -h, --help             show this help

            Options take their value as the next argument or after '='.
            The status document is at http://ADDRESS:PORT/health.
            """;

    private static final List<String> KEYS = List.of("home", "inbox", "outbox", "pidfile", "bind", "port", "name",
            "poll", "heartbeat-warn", "heartbeat-fail", "fault", "fault-after", "slow-delay", "start-delay", "fault-dir");

    static FooOptions parse(String... args) throws BadOption {
        Map<String, String> given = new HashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new BadOption("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String key = arg.substring(2, eq < 0 ? arg.length() : eq);
            if (!KEYS.contains(key)) {
                throw new BadOption("unknown option '--" + key + "'");
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new BadOption("option '--" + key + "' needs a value");
            }
            if (given.put(key, value) != null) {
                throw new BadOption("option '--" + key + "' given twice");
            }
        }
        Path home = Path.of(given.getOrDefault("home", "."));
        Duration warn = seconds(given, "heartbeat-warn", "2", false);
        Duration fail = seconds(given, "heartbeat-fail", "5", false);
        if (warn.compareTo(fail) > 0) {
            throw new BadOption("--heartbeat-warn " + given.getOrDefault("heartbeat-warn", "2")
                    + " is later than --heartbeat-fail " + given.getOrDefault("heartbeat-fail", "5"));
        }
        String name = given.getOrDefault("name", "foo");
        if (name.isBlank() || name.contains(":")) {
            throw new BadOption("--name must be non-blank without ':', got '" + name + "'");
        }
        return new FooOptions(
                help,
                name,
                address(given.getOrDefault("bind", "127.0.0.1")),
                port(given.getOrDefault("port", String.valueOf(DEFAULT_PORT))),
                path(given, "inbox", home.resolve("inbox")),
                path(given, "outbox", home.resolve("outbox")),
                path(given, "pidfile", home.resolve("foo.pid")),
                path(given, "fault-dir", home),
                seconds(given, "poll", "0.25", false),
                warn,
                fail,
                given.containsKey("fault") ? Fault.parse(given.get("fault")) : null,
                seconds(given, "fault-after", "0", true),
                seconds(given, "slow-delay", "15", false),
                seconds(given, "start-delay", "0", true));
    }

    private static Path path(Map<String, String> given, String key, Path fallback) throws BadOption {
        String value = given.get(key);
        if (value == null) {
            return fallback;
        }
        if (value.isEmpty()) {
            throw new BadOption("--" + key + " must not be empty");
        }
        return Path.of(value);
    }

    private static Duration seconds(Map<String, String> given, String key, String fallback, boolean zeroAllowed)
            throws BadOption {
        return seconds("--" + key, given.getOrDefault(key, fallback), zeroAllowed);
    }

    /** A number of seconds, decimals allowed, up to a day; {@code what} names its source in the message. */
    static Duration seconds(String what, String text, boolean zeroAllowed) throws BadOption {
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new BadOption(what + " needs a number of seconds, got '" + text + "'");
        }
        if (value.signum() < 0 || (!zeroAllowed && value.signum() == 0) || value.compareTo(BigDecimal.valueOf(86400)) > 0) {
            throw new BadOption(what + " must be " + (zeroAllowed ? "0" : "more than 0")
                    + " to 86400 seconds, got '" + text + "'");
        }
        return Duration.ofMillis(value.movePointRight(3).longValue());
    }

    private static int port(String text) throws BadOption {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadOption("--port must be 0-65535, got '" + text + "'");
    }

    private static InetAddress address(String text) throws BadOption {
        // Literal addresses only: a start-up script must not wait on DNS.
        if (!text.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            throw new BadOption("--bind needs an IP address, got '" + text + "'");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new BadOption("--bind needs an IP address, got '" + text + "'");
        }
    }
}
