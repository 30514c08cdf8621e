package selfheal.heal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The whole listener configuration, loaded from one Java properties file and validated in one pass that
 * reports every problem, one message each. See README.md for every key and its default.
 */
record ListenerConfig(Map<String, AllowedCommand> commands, List<AddressRange> allow, Path stateDir,
                      Path auditLog, Duration readTimeout, Residency residency) {

    /**
     * How a resident listener (one handed a listening socket, see {@link ResidentListener}) behaves: it exits
     * after {@code idle} without a connection, and serves at most {@code connections} at once, at most
     * {@code perSource} of them from one address.
     */
    record Residency(Duration idle, int connections, int perSource) {
        static final Residency DEFAULT = new Residency(Duration.ofMinutes(10), 32, 4);
    }

    static final Path DEFAULT_FILE = Path.of("/etc/selfheal/listener.properties");
    static final String DEFAULT_ALLOW = "127.0.0.1, ::1";
    static final String DEFAULT_STATE_DIR = "/var/lib/selfheal";
    static final String DEFAULT_AUDIT_LOG = "/var/log/selfheal/audit.log";
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);
    static final Set<String> RESERVED = Set.of("ping", "help");

    private static final Set<String> GLOBAL_KEYS = Set.of("allow", "state.dir", "audit.log", "read.timeout",
            "resident.idle", "resident.connections", "resident.per-source");
    private static final Set<String> COMMAND_ATTRIBUTES =
            Set.of("args", "timeout", "budget", "group", "dir", "accepts");
    private static final int OTHERS_WRITE = 0002;
    private static final int GROUP_WRITE = 0020;
    private static final int STICKY = 01000;

    ListenerConfig {
        commands = Collections.unmodifiableMap(new TreeMap<>(commands));
        allow = List.copyOf(allow);
    }

    boolean allows(IpAddress address) {
        for (AddressRange range : allow) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    static ListenerConfig load(Path file) throws ConfigException {
        Properties properties = new Properties();
        // FileInputStream, not Files.newInputStream: the JVM has it loaded already, the channel classes not.
        try (InputStream in = new FileInputStream(file.toFile())) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(List.of(file + ": cannot be read: " + e.getMessage()));
        }
        return from(properties);
    }

    /** The audit log named in a file, if any, so that even a broken configuration leaves a trace. */
    static Optional<Path> auditLogOf(Path file) {
        Properties properties = new Properties();
        try (InputStream in = new FileInputStream(file.toFile())) {
            properties.load(in);
            Path path = Path.of(properties.getProperty("audit.log", DEFAULT_AUDIT_LOG).strip());
            return path.isAbsolute() ? Optional.of(path) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static ListenerConfig from(Properties properties) throws ConfigException {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key).strip());
        }
        checkKeys(values, problems);

        List<AddressRange> allow = new ArrayList<>();
        for (String entry : Chars.split(values.getOrDefault("allow", DEFAULT_ALLOW), ",")) {
            if (entry.isEmpty()) {
                continue;
            }
            try {
                allow.add(AddressRange.parse(entry));
            } catch (IllegalArgumentException e) {
                problems.add("allow: " + e.getMessage());
            }
        }
        Path stateDir = directory("state.dir", values.getOrDefault("state.dir", DEFAULT_STATE_DIR), true, problems);
        Path auditLog = auditLog(values.getOrDefault("audit.log", DEFAULT_AUDIT_LOG), problems);
        Duration readTimeout = seconds("read.timeout", values.get("read.timeout"), DEFAULT_READ_TIMEOUT,
                Duration.ofSeconds(60), problems);
        Residency residency = new Residency(
                seconds("resident.idle", values.get("resident.idle"), Residency.DEFAULT.idle(),
                        Duration.ofDays(1), problems),
                count("resident.connections", values.get("resident.connections"),
                        Residency.DEFAULT.connections(), 256, problems),
                count("resident.per-source", values.get("resident.per-source"),
                        Residency.DEFAULT.perSource(), 256, problems));

        Map<String, AllowedCommand> commands = new TreeMap<>();
        for (String key : values.keySet()) {
            if (key.startsWith("command.") && key.indexOf('.', "command.".length()) < 0) {
                String name = key.substring("command.".length());
                AllowedCommand command = command(name, values, problems);
                if (command != null) {
                    commands.put(name, command);
                }
            }
        }
        if (commands.isEmpty() && problems.isEmpty()) {
            problems.add("no command.<name> = <script> is configured; the listener would only answer ping");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ListenerConfig(commands, allow, stateDir, auditLog, readTimeout, residency);
    }

    private static void checkKeys(Map<String, String> values, List<String> problems) {
        for (String key : values.keySet()) {
            if (GLOBAL_KEYS.contains(key)) {
                continue;
            }
            if (!key.startsWith("command.")) {
                problems.add(key + ": unknown key (known: allow, state.dir, audit.log, read.timeout,"
                        + " resident.idle, resident.connections, resident.per-source,"
                        + " command.<name>[.args|.timeout|.budget|.group|.dir|.accepts])");
                continue;
            }
            String rest = key.substring("command.".length());
            int dot = rest.indexOf('.');
            String name = dot < 0 ? rest : rest.substring(0, dot);
            if (dot >= 0 && !COMMAND_ATTRIBUTES.contains(rest.substring(dot + 1))) {
                problems.add(key + ": unknown attribute '" + rest.substring(dot + 1)
                        + "' (known: args, timeout, budget, group, dir, accepts)");
            } else if (dot >= 0 && !values.containsKey("command." + name)) {
                problems.add(key + ": there is no command." + name + " = <script> for it");
            }
        }
    }

    private static AllowedCommand command(String name, Map<String, String> values, List<String> problems) {
        String key = "command." + name;
        int before = problems.size();
        if (!Chars.isName(name)) {
            problems.add(key + ": the name must match [A-Za-z0-9][A-Za-z0-9_-]* (at most 64 characters)");
            return null;
        }
        if (RESERVED.contains(name)) {
            problems.add(key + ": '" + name + "' is built in and cannot be configured");
            return null;
        }
        Path executable = executable(key, values.get(key), problems);
        String args = values.getOrDefault(key + ".args", "");
        List<String> fixedArgs = Chars.split(args, "");
        for (String arg : fixedArgs) {
            for (int i = 0; i < arg.length(); i++) {
                if (arg.charAt(i) <= 0x20 || arg.charAt(i) >= 0x7f) {
                    problems.add(key + ".args: '" + arg + "' contains a character that is not printable ASCII");
                    break;
                }
            }
        }
        Duration timeout = seconds(key + ".timeout", values.get(key + ".timeout"), DEFAULT_COMMAND_TIMEOUT,
                Duration.ofHours(1), problems);
        Optional<Budget> budget = Optional.empty();
        if (values.containsKey(key + ".budget")) {
            try {
                budget = Optional.of(Budget.parse(values.get(key + ".budget")));
            } catch (IllegalArgumentException e) {
                problems.add(key + ".budget: " + e.getMessage());
            }
        }
        String group = values.getOrDefault(key + ".group", AllowedCommand.defaultGroup(name));
        if (!Chars.isName(group)) {
            problems.add(key + ".group: '" + group + "' must match [A-Za-z0-9][A-Za-z0-9_-]*");
        }
        Path directory = directory(key + ".dir", values.getOrDefault(key + ".dir", "/"), false, problems);
        Optional<Pattern> accepts = Optional.empty();
        if (values.containsKey(key + ".accepts")) {
            try {
                accepts = Optional.of(Pattern.compile(values.get(key + ".accepts")));
            } catch (PatternSyntaxException e) {
                problems.add(key + ".accepts: not a regular expression: " + e.getDescription());
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new AllowedCommand(name, executable, fixedArgs, timeout, budget, group, directory, accepts);
    }

    /** Absolute, exists, a regular executable file, and neither it nor a directory above it open to others. */
    private static Path executable(String key, String value, List<String> problems) {
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            problems.add(key + ": '" + value + "' is not an absolute path");
            return path;
        }
        if (!Files.exists(path)) {
            problems.add(key + ": " + value + " does not exist");
            return path;
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            problems.add(key + ": " + value + " is not an executable file");
            return path;
        }
        int mode = mode(path);
        if ((mode & (OTHERS_WRITE | GROUP_WRITE)) != 0) {
            problems.add(key + ": " + value + " is writable by group or others (mode "
                    + Integer.toOctalString(mode & 07777) + "); anyone who can write it can run code as the listener");
            return path;
        }
        for (Path dir = path.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            int dirMode = mode(dir);
            if ((dirMode & OTHERS_WRITE) != 0 && (dirMode & STICKY) == 0) {
                problems.add(key + ": directory " + dir + " is writable by others, so " + value
                        + " could be replaced");
                break;
            }
        }
        return path;
    }

    private static int mode(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    private static Path directory(String key, String value, boolean writable, List<String> problems) {
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            problems.add(key + ": '" + value + "' is not an absolute path");
        } else if (!Files.isDirectory(path)) {
            problems.add(key + ": " + value + " is not an existing directory");
        } else if (writable && !Files.isWritable(path)) {
            problems.add(key + ": " + value + " is not writable by this user");
        }
        return path;
    }

    private static Path auditLog(String value, List<String> problems) {
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            problems.add("audit.log: '" + value + "' is not an absolute path");
        } else if (!Files.exists(path) && (path.getParent() == null || !Files.isDirectory(path.getParent()))) {
            problems.add("audit.log: directory " + path.getParent() + " does not exist");
        } else if (Files.exists(path) ? !Files.isWritable(path) || Files.isDirectory(path)
                : !Files.isWritable(path.getParent())) {
            problems.add("audit.log: " + value + " cannot be written by this user");
        }
        return path;
    }

    private static Duration seconds(String key, String value, Duration fallback, Duration max, List<String> problems) {
        if (value == null) {
            return fallback;
        }
        try {
            double seconds = Double.parseDouble(value);
            Duration d = Duration.ofMillis(Math.round(seconds * 1000));
            if (!(seconds > 0) || d.compareTo(max) > 0) {
                problems.add(key + ": " + value + " is not between 0 and " + max.toSeconds() + " seconds");
                return fallback;
            }
            return d;
        } catch (NumberFormatException e) {
            problems.add(key + ": '" + value + "' is not a number of seconds");
            return fallback;
        }
    }

    private static int count(String key, String value, int fallback, int max, List<String> problems) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, as an out-of-range number is
        }
        problems.add(key + ": '" + value + "' is not a whole number from 1 to " + max);
        return fallback;
    }
}
