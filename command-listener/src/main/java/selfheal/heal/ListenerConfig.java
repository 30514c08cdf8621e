package selfheal.heal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
                      Path auditLog, Duration readTimeout, Residency residency, Duration handlerTimeout,
                      Map<String, WatchSpec> watches, EvidenceConfig evidence, Optional<TlsFiles> tls,
                      List<DropIn> dropIns) {

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
    /**
     * Below the shipped event handler's -t (25 s), which is below Nagios' event_handler_timeout (30 s), which
     * is below the stock retry interval (60 s): each waiting side sees the outcome of the one it waits for.
     */
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(20);
    /** The shipped event handler's -t (the templates' _HEAL_TIMEOUT). */
    static final Duration DEFAULT_HANDLER_TIMEOUT = Duration.ofSeconds(25);
    /** Twice the stock retry interval of 60 s: time for the monitor to see a healed worker healthy. */
    static final Duration DEFAULT_SETTLE = Duration.ofSeconds(120);
    /** More than three runs within an hour: restarting has stopped being the answer. */
    static final Budget DEFAULT_FLAP = Budget.parse("3/1h");
    /** The longest flap window: a history kept longer would make ping read more than a small file. */
    static final Duration MAX_FLAP_WINDOW = Duration.ofDays(1);
    static final Set<String> RESERVED = Set.of("ping", "help", "describe");

    private static final Set<String> GLOBAL_KEYS = Set.of("allow", "allow.any", "state.dir", "audit.log",
            "read.timeout", "resident.idle", "resident.connections", "resident.per-source", "trusted.owner", "handler.timeout",
            "workers.dir");
    /** Where the drop-ins are, beside the main file, unless {@code workers.dir} says otherwise. */
    static final String DEFAULT_WORKERS_DIR = "workers.d";
    /** The keys of TLS: the listener's files, and the client identities that may run any command. */
    private static final Set<String> TLS_KEYS = Set.of(TlsFiles.CERT, TlsFiles.KEY, TlsFiles.CLIENT_CA, "clients");
    private static final String CLIENTS = "clients";
    private static final Set<String> COMMAND_ATTRIBUTES =
            Set.of("args", "timeout", "settle", "budget", "flap", "group", "dir", "accepts");
    private static final int OTHERS_WRITE = 0002;
    private static final int GROUP_WRITE = 0020;
    private static final int STICKY = 01000;

    ListenerConfig {
        commands = Collections.unmodifiableMap(new TreeMap<>(commands));
        watches = Collections.unmodifiableMap(new TreeMap<>(watches));
        allow = List.copyOf(allow);
        dropIns = List.copyOf(dropIns);
    }

    /** The drop-ins refused, each with its problems; their workers are not configured. */
    List<DropIn> broken() {
        List<DropIn> broken = new ArrayList<>();
        for (DropIn dropIn : dropIns) {
            if (dropIn.broken()) {
                broken.add(dropIn);
            }
        }
        return broken;
    }

    boolean allows(IpAddress address) {
        for (AddressRange range : allow) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The main file, then each drop-in of the workers directory added in name order ({@link DropIn}): a drop-in
     * with which the whole would be invalid is refused, named in {@link #dropIns()} with its problems, and the
     * configuration goes on without it. A problem of the main file refuses everything.
     */
    static ListenerConfig load(Path file) throws ConfigException {
        return load(file, null);
    }

    /**
     * A further judgement of a configuration, beyond its keys: the watch's of each {@code watch.<name>.args}
     * (check_worker's own rules, {@link CheckWorkerProbe#problems}), which the per-connection listener, never
     * reading them, does without.
     */
    interface Judge {
        List<String> problems(ListenerConfig config);
    }

    /**
     * As {@link #load(Path)}, and {@code judge} (null: none) judges the main file's configuration (its problems
     * refuse everything) and each drop-in's addition (its problems refuse that drop-in).
     */
    static ListenerConfig load(Path file, Judge judge) throws ConfigException {
        List<String> problems = new ArrayList<>();
        String unsafe = unsafe(file);
        if (unsafe != null) {
            problems.add(file + ": " + unsafe);
        }
        OnceOnly properties = new OnceOnly();
        // FileInputStream, not Files.newInputStream: the JVM has it loaded already, the channel classes not.
        try (InputStream in = new FileInputStream(file.toFile())) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            String denied = e.getMessage() != null && e.getMessage().contains("Permission denied")
                    ? " (the listener's user must be able to read it: chgrp that user's group " + file
                            + " and chmod 640 it, or run install.sh again once the user exists)" : "";
            problems.add(file + ": cannot be read: " + e.getMessage() + denied);
            throw new ConfigException(problems);
        }
        properties.reportKeysSetTwice(problems);
        Map<String, String> values = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key).strip());
        }
        Path workers = workersDir(file, values, problems);
        ListenerConfig config = from(values, problems);
        if (judge != null && !judge.problems(config).isEmpty()) {
            throw new ConfigException(judge.problems(config));
        }
        List<DropIn> dropIns = new ArrayList<>();
        if (workers != null && Files.isDirectory(workers)) {
            Map<String, Path> origins = new TreeMap<>();
            for (String key : values.keySet()) {
                origins.put(key, file);
            }
            Map<String, String> merged = values;
            for (DropIn dropIn : DropIn.readAll(workers, origins)) {
                if (!dropIn.broken()) {
                    Map<String, String> candidate = new TreeMap<>(merged);
                    candidate.putAll(dropIn.values());
                    try {
                        ListenerConfig added = from(candidate, new ArrayList<>());
                        List<String> judged = judge == null ? List.of() : judge.problems(added);
                        if (!judged.isEmpty()) {
                            throw new ConfigException(judged);
                        }
                        config = added;
                        merged = candidate;
                    } catch (ConfigException e) {
                        dropIn = dropIn.refused(e.problems());
                    }
                }
                dropIns.add(dropIn);
            }
        }
        boolean anyBroken = false;
        for (DropIn dropIn : dropIns) {
            anyBroken |= dropIn.broken();
        }
        if (config.commands().isEmpty() && !anyBroken) {
            throw new ConfigException(List.of("no command.<name> = <script> is configured (neither here nor in a"
                    + " drop-in of " + workers + "); the listener would only answer ping"));
        }
        return new ListenerConfig(config.commands(), config.allow(), config.stateDir(), config.auditLog(),
                config.readTimeout(), config.residency(), config.handlerTimeout(), config.watches(), config.evidence(),
                config.tls(), dropIns);
    }

    /** {@code workers.dir}, else {@value #DEFAULT_WORKERS_DIR} beside {@code file}; one given must exist. */
    private static Path workersDir(Path file, Map<String, String> values, List<String> problems) {
        String given = values.get("workers.dir");
        if (given == null) {
            Path parent = file.toAbsolutePath().getParent();
            return parent == null ? null : parent.resolve(DEFAULT_WORKERS_DIR);
        }
        return directory("workers.dir", given, false, problems);
    }

    /**
     * A file (or the directory of drop-ins) decides what the listener runs: only root or the listener's own user
     * may own it, and neither its group nor others may write it. Judged on what it resolves to, if it is a
     * symlink. Null when it is safe (or cannot be read: reading it says why).
     */
    static String unsafe(Path file) {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(file, "unix:mode,uid");
        } catch (IOException | UnsupportedOperationException e) {
            return null; // reading it says why
        }
        List<String> problems = new ArrayList<>();
        int mode = (Integer) attributes.get("mode");
        if ((mode & (GROUP_WRITE | OTHERS_WRITE)) != 0) {
            problems.add("writable by group or others (mode " + Integer.toOctalString(mode & 07777)
                    + "); whoever can write it chooses what the listener runs");
        }
        int owner = (Integer) attributes.get("uid");
        if (owner != 0) {
            long self = EffectiveUser.UID;
            if (owner != self) {
                problems.add("owned by " + ownerName(file) + " (uid " + owner + "); only root or the user the"
                        + " listener runs as (uid " + self + ") may own it");
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static String ownerName(Path path) {
        try {
            return Files.getOwner(path).getName();
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Properties that notice a key set more than once, which Properties itself settles silently by keeping the
     * last value (a second command.foo-restart would run in place of the first). The syntax stays exactly
     * Properties', because Properties.load still parses the file and calls {@link #put} once per entry.
     */
    static final class OnceOnly extends Properties {
        private static final long serialVersionUID = 1L;

        /** Every value each key was given, in the order of the file. */
        private final transient Map<Object, List<Object>> given = new LinkedHashMap<>();

        @Override
        public synchronized Object put(Object key, Object value) {
            List<Object> values = given.get(key);
            if (values == null) {
                values = new ArrayList<>(1);
                given.put(key, values);
            }
            values.add(value);
            return super.put(key, value);
        }

        void reportKeysSetTwice(List<String> problems) {
            for (Map.Entry<Object, List<Object>> e : given.entrySet()) {
                if (e.getValue().size() > 1) {
                    StringBuilder values = new StringBuilder();
                    for (Object value : e.getValue()) {
                        values.append(values.length() == 0 ? "'" : ", then '").append(value.toString().strip())
                                .append('\'');
                    }
                    problems.add(e.getKey() + ": set more than once (" + values + "); a key may appear only once");
                }
            }
        }
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

    /** The configuration {@code values} make, which may have no command yet (the drop-ins may add them). */
    private static ListenerConfig from(Map<String, String> values, List<String> problems)
            throws ConfigException {
        checkKeys(values, problems);

        List<AddressRange> allow = allow(values, problems);
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

        Duration handlerTimeout = seconds("handler.timeout", values.get("handler.timeout"),
                DEFAULT_HANDLER_TIMEOUT, Duration.ofHours(1), problems);

        Optional<TlsFiles> tls = Optional.ofNullable(TlsFiles.load(values, problems));
        TlsClients clients = clients(CLIENTS, values, values.containsKey(TlsFiles.CERT), TlsClients.ANY, problems);

        Owners owners = Owners.of(values.get("trusted.owner"), problems);
        Map<String, AllowedCommand> commands = new TreeMap<>();
        for (String key : values.keySet()) {
            if (key.startsWith("command.") && key.indexOf('.', "command.".length()) < 0) {
                String name = key.substring("command.".length());
                AllowedCommand command = command(name, values, owners, clients, problems);
                if (command != null) {
                    commands.put(name, command);
                }
            }
        }
        Map<String, WatchSpec> watches = WatchSpec.parse(values, commands, problems);
        EvidenceConfig evidence = evidence(values, commands, watches, owners, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ListenerConfig(commands, allow, stateDir, auditLog, readTimeout, residency, handlerTimeout,
                watches, evidence, tls, List.of());
    }

    /**
     * The client identities {@code key} admits, else {@code fallback}: a list of names, or {@code *}; only
     * with TLS, since without it no client has an identity to match.
     */
    private static TlsClients clients(String key, Map<String, String> values, boolean tls, TlsClients fallback,
                                      List<String> problems) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (!tls) {
            problems.add(key + ": needs " + TlsFiles.CERT + ", " + TlsFiles.KEY + " and " + TlsFiles.CLIENT_CA
                    + "; without TLS no client has an identity");
            return fallback;
        }
        return TlsClients.parse(key, value, problems);
    }

    /** At least one entry; one that admits every address (a /0) only with {@code allow.any = yes}. */
    private static List<AddressRange> allow(Map<String, String> values, List<String> problems) {
        String any = values.getOrDefault("allow.any", "no");
        if (!any.equals("yes") && !any.equals("no")) {
            problems.add("allow.any: '" + any + "' is not yes or no");
        }
        List<AddressRange> allow = new ArrayList<>();
        boolean given = false;
        for (String entry : Chars.split(values.getOrDefault("allow", DEFAULT_ALLOW), ",")) {
            if (entry.isEmpty()) {
                continue;
            }
            given = true;
            try {
                AddressRange range = AddressRange.parse(entry);
                if (range.prefixLength() == 0 && !any.equals("yes")) {
                    problems.add("allow: " + entry + " admits every address; set allow.any = yes if that is meant");
                }
                allow.add(range);
            } catch (IllegalArgumentException e) {
                problems.add("allow: " + e.getMessage());
            }
        }
        if (!given) {
            problems.add("allow: no address given; list at least one (without the key, the default "
                    + DEFAULT_ALLOW + " applies)");
        }
        return allow;
    }

    private static void checkKeys(Map<String, String> values, List<String> problems) {
        for (String key : values.keySet()) {
            if (GLOBAL_KEYS.contains(key) || TLS_KEYS.contains(key)) {
                continue;
            }
            if (key.startsWith("watch.")) {
                WatchSpec.checkKey(key, values, problems);
                continue;
            }
            if (key.startsWith("evidence.")) {
                EvidenceConfig.checkGlobalKey(key, problems);
                continue;
            }
            if (!key.startsWith("command.")) {
                problems.add(key + ": unknown key (known: allow, allow.any, state.dir, audit.log, read.timeout,"
                        + " resident.idle, resident.connections, resident.per-source, trusted.owner,"
                        + " handler.timeout, workers.dir, command.<name>[.args|.timeout|.settle|.budget|.flap|.group|.dir|.accepts],"
                        + " watch.<name>.url|.args|.heal|.interval|.after|.grace)");
                continue;
            }
            String rest = key.substring("command.".length());
            int dot = rest.indexOf('.');
            String name = dot < 0 ? rest : rest.substring(0, dot);
            boolean known = dot >= 0 && (COMMAND_ATTRIBUTES.contains(rest.substring(dot + 1))
                    || rest.substring(dot + 1).equals(CLIENTS)
                    || EvidenceConfig.isCommandAttribute(rest.substring(dot + 1)));
            if (dot >= 0 && !known) {
                problems.add(key + ": unknown attribute '" + rest.substring(dot + 1)
                        + "' (known: args, timeout, settle, budget, flap, group, dir, accepts)");
            } else if (dot >= 0 && !values.containsKey("command." + name)) {
                problems.add(key + ": there is no command." + name + " = <script> for it");
            }
        }
    }

    private static AllowedCommand command(String name, Map<String, String> values, Owners owners,
                                          TlsClients defaultClients, List<String> problems) {
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
        Path executable = executable(key, values.get(key), owners, problems);
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
        Duration settle = secondsOrNever(key + ".settle", values.get(key + ".settle"), DEFAULT_SETTLE,
                Duration.ofDays(1), problems);
        Optional<Budget> budget = Optional.empty();
        if (values.containsKey(key + ".budget")) {
            try {
                budget = Optional.of(Budget.parse(values.get(key + ".budget")));
            } catch (IllegalArgumentException e) {
                problems.add(key + ".budget: " + e.getMessage());
            }
        }
        Budget flap = DEFAULT_FLAP;
        if (values.containsKey(key + ".flap")) {
            try {
                flap = Budget.parse(values.get(key + ".flap"));
                if (flap.window().compareTo(MAX_FLAP_WINDOW) > 0) {
                    problems.add(key + ".flap: the window of '" + flap + "' is longer than a day");
                }
            } catch (IllegalArgumentException e) {
                problems.add(key + ".flap: '" + values.get(key + ".flap")
                        + "' is not N/<number><s|m|h|d>, for example 3/1h");
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
        TlsClients clients = clients(key + "." + CLIENTS, values, values.containsKey(TlsFiles.CERT), defaultClients,
                problems);
        if (problems.size() > before) {
            return null;
        }
        return new AllowedCommand(name, executable, fixedArgs, timeout, settle, budget, flap, group, directory,
                accepts, clients);
    }

    // ---- evidence ------------------------------------------------------------------------------------

    /** {@code evidence.*} and {@code command.NAME.evidence.*}; an evidence script is judged as a heal script is. */
    private static EvidenceConfig evidence(Map<String, String> values, Map<String, AllowedCommand> commands,
                                           Map<String, WatchSpec> watches, Owners owners, List<String> problems) {
        if (!EvidenceConfig.configured(values)) {
            return EvidenceConfig.NONE;
        }
        // An anonymous class, not a lambda: the first lambda costs a fresh JVM several milliseconds.
        return EvidenceConfig.parse(values, commands, watches, new EvidenceConfig.ScriptCheck() {
            @Override
            public Path check(String key, String value) {
                return executable(key, value, owners, problems);
            }
        }, problems);
    }

    /**
     * Absolute, exists, a regular executable file, and safe from anyone but its trusted owners, judged where it
     * resolves to ({@code toRealPath}: {@code /bin/true} is judged as {@code /usr/bin/true} where /bin is a
     * symlink): the file and every directory above it owned by root (or trusted.owner), none writable by group
     * or others, except a sticky directory (such as /tmp), whose entries only their owners can replace, and
     * those are judged in turn. So is every directory holding a symlink on the way (and those above it):
     * whoever can write there can point the link elsewhere.
     */
    private static Path executable(String key, String value, Owners owners, List<String> problems) {
        Path path = absolute(key, value, problems);
        if (path == null) {
            return null;
        }
        if (!Files.exists(path)) {
            problems.add(key + ": " + value + " does not exist");
            return path;
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            problems.add(key + ": " + value + " is not an executable file");
            return path;
        }
        Path real;
        Set<Path> directories = new LinkedHashSet<>();
        try {
            real = path.toRealPath();
            directoriesOnTheWay(path, directories, 0);
        } catch (IOException e) {
            problems.add(key + ": " + value + " cannot be resolved: " + e.getMessage());
            return path;
        }
        String shown = real.equals(path) ? value : value + " (" + real + ")";
        int[] file = modeAndOwner(real);
        if (!owners.trust(file[1], real)) {
            problems.add(key + ": " + shown + " is owned by " + ownerName(real) + ", not " + owners
                    + "; whoever owns it can change what the listener runs");
            return path;
        }
        if ((file[0] & (OTHERS_WRITE | GROUP_WRITE)) != 0) {
            problems.add(key + ": " + shown + " is writable by group or others (mode "
                    + Integer.toOctalString(file[0] & 07777)
                    + "); anyone who can write it can run code as the listener");
            return path;
        }
        for (Path dir : directories) {
            int[] above = modeAndOwner(dir);
            if (!owners.trust(above[1], dir)) {
                problems.add(key + ": directory " + dir + " is owned by " + ownerName(dir) + ", not " + owners
                        + ", so " + value + " could be replaced");
                break;
            }
            if ((above[0] & (OTHERS_WRITE | GROUP_WRITE)) != 0 && (above[0] & STICKY) == 0) {
                problems.add(key + ": directory " + dir + " is writable by group or others (mode "
                        + Integer.toOctalString(above[0] & 07777) + "), so " + value + " could be replaced");
                break;
            }
        }
        return path;
    }

    /**
     * Every directory whose entries decide what {@code absolute} resolves to, as the kernel walks it: for each
     * name on the way, the real directory holding it and those above it, and the same for each symlink's target.
     */
    private static void directoriesOnTheWay(Path absolute, Set<Path> directories, int links) throws IOException {
        if (links > 40) {
            throw new IOException("too many levels of symbolic links");
        }
        Path prefix = absolute.getRoot();
        for (Path name : absolute) {
            Path holder = prefix.toRealPath();
            for (Path dir = holder; dir != null; dir = dir.getParent()) {
                if (!directories.add(dir)) {
                    break; // known already, and so are the directories above it
                }
            }
            Path entry = holder.resolve(name);
            if (Files.isSymbolicLink(entry)) {
                directoriesOnTheWay(holder.resolve(Files.readSymbolicLink(entry)), directories, links + 1);
            }
            prefix = prefix.resolve(name);
        }
    }

    /** {mode, uid} of a path that is no symlink; {07777, -1}, refused, if it cannot be read. */
    private static int[] modeAndOwner(Path real) {
        try {
            Map<String, Object> attributes = Files.readAttributes(real, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            return new int[] {(Integer) attributes.get("mode"), (Integer) attributes.get("uid")};
        } catch (IOException | UnsupportedOperationException e) {
            return new int[] {07777, -1};
        }
    }

    /** Who may own scripts and the directories above them: root, and trusted.owner if it is set. */
    private record Owners(String name, UserPrincipal user) {
        static Owners of(String trustedOwner, List<String> problems) {
            if (trustedOwner != null) {
                try {
                    return new Owners(trustedOwner, FileSystems.getDefault().getUserPrincipalLookupService()
                            .lookupPrincipalByName(trustedOwner));
                } catch (IOException e) {
                    problems.add("trusted.owner: there is no user '" + trustedOwner + "' on this host");
                }
            }
            return new Owners("root", null);
        }

        boolean trust(int uid, Path real) {
            if (uid == 0) {
                return true;
            }
            try {
                return user != null && user.equals(Files.getOwner(real, LinkOption.NOFOLLOW_LINKS));
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return user == null ? "root" : "root or " + name;
        }
    }

    /** {@code value} as an absolute path, or null with the problem said: relative, or no path at all (a NUL). */
    private static Path absolute(String key, String value, List<String> problems) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            problems.add(key + ": not a path (it holds a NUL character)");
            return null;
        }
        if (!path.isAbsolute()) {
            problems.add(key + ": '" + value + "' is not an absolute path");
            return null;
        }
        return path;
    }

    private static Path directory(String key, String value, boolean writable, List<String> problems) {
        Path path = absolute(key, value, problems);
        if (path == null) {
            return null;
        } else if (!Files.isDirectory(path)) {
            problems.add(key + ": " + value + " is not an existing directory");
        } else if (writable && !Files.isWritable(path)) {
            problems.add(key + ": " + value + " is not writable by this user");
        }
        return path;
    }

    private static Path auditLog(String value, List<String> problems) {
        Path path = absolute("audit.log", value, problems);
        if (path == null) {
            return null;
        } else if (!Files.exists(path) && (path.getParent() == null || !Files.isDirectory(path.getParent()))) {
            problems.add("audit.log: directory " + path.getParent() + " does not exist");
        } else if (Files.exists(path) ? !Files.isWritable(path) || Files.isDirectory(path)
                : !Files.isWritable(path.getParent())) {
            problems.add("audit.log: " + value + " cannot be written by this user");
        }
        return path;
    }

    /** As {@link #seconds}, and a value of zero means "never" (Duration.ZERO). */
    private static Duration secondsOrNever(String key, String value, Duration fallback, Duration max,
                                           List<String> problems) {
        try {
            if (value != null && Double.parseDouble(value) == 0) {
                return Duration.ZERO;
            }
        } catch (NumberFormatException e) {
            // reported by seconds(), as any other value that is not a number
        }
        return seconds(key, value, fallback, max, problems);
    }

    static Duration seconds(String key, String value, Duration fallback, Duration max, List<String> problems) {
        if (value == null) {
            return fallback;
        }
        try {
            double seconds = Double.parseDouble(value);
            Duration d = Duration.ofMillis(Math.round(seconds * 1000));
            // Below a tenth of a second nothing can be done in time: a request would fail having done nothing.
            if (!(seconds >= 0.1) || d.compareTo(max) > 0) {
                problems.add(key + ": " + value + " is not between 0.1 and " + max.toSeconds() + " seconds");
                return fallback;
            }
            return d;
        } catch (NumberFormatException e) {
            problems.add(key + ": '" + value + "' is not a number of seconds");
            return fallback;
        }
    }

    static int count(String key, String value, int fallback, int max, List<String> problems) {
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
