package selfheal.heal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the evidence stage keeps before a heal ({@code evidence.*} and {@code command.NAME.evidence.*}; README.md,
 * "Evidence"). A command with no evidence key has no {@link Spec} and collects nothing.
 *
 * @param group    the operator group that may read bundles; empty: the listener's user only
 * @param keep     bundles kept per command, the newest
 * @param maxTotal bytes all bundles may take together; the oldest go first
 * @param specs    per command name, only those with an evidence key
 */
record EvidenceConfig(Optional<String> group, int keep, long maxTotal, Map<String, Spec> specs) {
    static final int DEFAULT_KEEP = 20;
    static final long DEFAULT_MAX_TOTAL = 200L << 20;
    static final int DEFAULT_LINES = 200;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final long DEFAULT_MAX_SIZE = 4L << 20;
    /** Room for SUMMARY.txt and the file list: the smallest max-size that still leaves room for a log tail. */
    static final long MIN_MAX_SIZE = 64L << 10;
    static final EvidenceConfig NONE = new EvidenceConfig(Optional.empty(), DEFAULT_KEEP, DEFAULT_MAX_TOTAL, Map.of());

    static final Set<String> GLOBAL_KEYS = Set.of("evidence.group", "evidence.keep", "evidence.max-total");
    /** The attributes after {@code command.NAME.}. */
    static final Set<String> COMMAND_ATTRIBUTES = Set.of("evidence.url", "evidence.pidfile", "evidence.unit",
            "evidence.logs", "evidence.lines", "evidence.script", "evidence.args", "evidence.script-timeout",
            "evidence.timeout", "evidence.max-size");

    EvidenceConfig {
        specs = Collections.unmodifiableMap(new TreeMap<>(specs));
    }

    /**
     * One command's evidence.
     *
     * @param url           the worker's status document, fetched as it is now
     * @param pidfile       names the worker's pid
     * @param unit          else: the systemd unit whose MainPID is the worker
     * @param logs          files whose last {@code lines} lines are kept
     * @param script        an operator's own collector, run as an argument vector with {@code scriptArgs}
     * @param scriptTimeout the script is killed (its process group) after this
     * @param timeout       the whole collection ends at this; the heal runs, whatever was collected
     * @param maxSize       the bundle's size cap; longer files are cut
     */
    record Spec(Optional<URI> url, Optional<Path> pidfile, Optional<String> unit, List<Path> logs, int lines,
                Optional<Path> script, List<String> scriptArgs, Duration scriptTimeout, Duration timeout,
                long maxSize) {
        Spec {
            logs = List.copyOf(logs);
            scriptArgs = List.copyOf(scriptArgs);
        }
    }

    Optional<Spec> spec(String command) {
        return Optional.ofNullable(specs.get(command));
    }

    /** Validates an absolute script path as {@code command.NAME} is validated, problems reported under key. */
    interface ScriptCheck {
        Path check(String key, String value);
    }

    /** Whether any key is an evidence key: without one, nothing of this class is needed. */
    static boolean configured(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (key.startsWith("evidence.") || key.startsWith("command.") && key.contains(".evidence.")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code attribute} (after {@code command.NAME.}) is a command's evidence attribute. */
    static boolean isCommandAttribute(String attribute) {
        return COMMAND_ATTRIBUTES.contains(attribute);
    }

    static void checkGlobalKey(String key, List<String> problems) {
        if (!GLOBAL_KEYS.contains(key)) {
            problems.add(key + ": unknown key (known: evidence.group, evidence.keep, evidence.max-total)");
        }
    }

    static EvidenceConfig parse(Map<String, String> values, Map<String, AllowedCommand> commands,
                                Map<String, WatchSpec> watches, ScriptCheck scripts, List<String> problems) {
        Optional<String> group = Optional.ofNullable(values.get("evidence.group"));
        if (group.isPresent() && !groupExists(group.get())) {
            problems.add("evidence.group: there is no group '" + group.get() + "' on this host");
        }
        int keep = ListenerConfig.count("evidence.keep", values.get("evidence.keep"), DEFAULT_KEEP, 10_000, problems);
        long maxTotal = bytes("evidence.max-total", values.get("evidence.max-total"), DEFAULT_MAX_TOTAL, problems);
        Map<String, Spec> specs = new TreeMap<>();
        for (AllowedCommand command : commands.values()) {
            String prefix = "command." + command.name() + ".evidence.";
            boolean any = false;
            for (String attribute : COMMAND_ATTRIBUTES) {
                any |= values.containsKey("command." + command.name() + "." + attribute);
            }
            if (any) {
                Spec spec = spec(prefix, values, command.name(), watches, scripts, problems);
                if (spec != null) {
                    specs.put(command.name(), spec);
                    if (spec.maxSize() > maxTotal) {
                        problems.add(prefix + "max-size: " + spec.maxSize() + " bytes is more than evidence.max-total ("
                                + maxTotal + "): no bundle could be kept");
                    }
                }
            }
        }
        return new EvidenceConfig(group, keep, maxTotal, specs);
    }

    private static Spec spec(String prefix, Map<String, String> values, String name, Map<String, WatchSpec> watches,
                             ScriptCheck scripts, List<String> problems) {
        int before = problems.size();
        Optional<URI> url = Optional.empty();
        if (values.containsKey(prefix + "url")) {
            url = Optional.ofNullable(url(prefix + "url", values.get(prefix + "url"), problems));
        } else {
            for (WatchSpec watch : watches.values()) {
                if (watch.heal().equals(name)) {
                    url = Optional.of(watch.url());
                    break;
                }
            }
        }
        // No lambdas here: every connection loads the configuration, ping included, and a fresh JVM pays
        // several milliseconds for its first lambda.
        Optional<Path> pidfile = values.containsKey(prefix + "pidfile")
                ? Optional.ofNullable(absolute(prefix + "pidfile", values.get(prefix + "pidfile"), problems))
                : Optional.empty();
        Optional<String> unit = Optional.ofNullable(values.get(prefix + "unit"));
        if (unit.isPresent() && !unit.get().matches("[A-Za-z0-9:_.@\\\\-]+")) {
            problems.add(prefix + "unit: '" + unit.get() + "' is not a systemd unit name");
        }
        List<Path> logs = new ArrayList<>();
        for (String log : Chars.split(values.getOrDefault(prefix + "logs", ""), ",")) {
            if (!log.isEmpty()) {
                logs.add(absolute(prefix + "logs", log, problems));
            }
        }
        int lines = ListenerConfig.count(prefix + "lines", values.get(prefix + "lines"), DEFAULT_LINES, 100_000,
                problems);
        Optional<Path> script = values.containsKey(prefix + "script")
                ? Optional.ofNullable(scripts.check(prefix + "script", values.get(prefix + "script")))
                : Optional.empty();
        List<String> args = Chars.split(values.getOrDefault(prefix + "args", ""), "");
        if (!args.isEmpty() && script.isEmpty()) {
            problems.add(prefix + "args: there is no " + prefix + "script for them");
        }
        Duration timeout = ListenerConfig.seconds(prefix + "timeout", values.get(prefix + "timeout"), DEFAULT_TIMEOUT,
                Duration.ofMinutes(5), problems);
        Duration scriptTimeout = ListenerConfig.seconds(prefix + "script-timeout",
                values.get(prefix + "script-timeout"), timeout, Duration.ofMinutes(5), problems);
        long maxSize = bytes(prefix + "max-size", values.get(prefix + "max-size"), DEFAULT_MAX_SIZE, problems);
        if (maxSize < MIN_MAX_SIZE) {
            problems.add(prefix + "max-size: " + maxSize + " bytes is less than " + MIN_MAX_SIZE);
        }
        if (problems.size() > before) {
            return null;
        }
        return new Spec(url, pidfile, unit, logs, lines, script, args, scriptTimeout, timeout, maxSize);
    }

    /**
     * What {@code --check-config} warns about, but does not refuse: files that are missing now may be there at
     * the next heal (a log rotates, a worker that is down has no pidfile).
     */
    List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, Spec> e : specs.entrySet()) {
            String prefix = "command." + e.getKey() + ".evidence.";
            Spec spec = e.getValue();
            spec.pidfile().filter(p -> !Files.exists(p))
                    .ifPresent(p -> warnings.add(prefix + "pidfile: " + p + " does not exist now"));
            for (Path log : spec.logs()) {
                if (!Files.isReadable(log)) {
                    warnings.add(prefix + "logs: " + log + " is not readable now");
                }
            }
            if (spec.url().isEmpty()) {
                warnings.add(prefix + "*: no status URL (no " + prefix + "url, and no watch heals with "
                        + e.getKey() + "): the bundle holds no status document");
            }
        }
        return warnings;
    }

    /** The bytes in {@code value}: a whole number with an optional K, M or G (binary). */
    static long bytes(String key, String value, long fallback, List<String> problems) {
        if (value == null) {
            return fallback;
        }
        String digits = value;
        long unit = 1;
        char last = value.isEmpty() ? ' ' : Character.toUpperCase(value.charAt(value.length() - 1));
        if (last == 'K' || last == 'M' || last == 'G') {
            unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            digits = value.substring(0, value.length() - 1).strip();
        }
        if (!Chars.isDigits(digits, 9) || Long.parseLong(digits) == 0) {
            problems.add(key + ": '" + value + "' is not a size in bytes (a whole number, optionally K, M or G)");
            return fallback;
        }
        return Long.parseLong(digits) * unit;
    }

    private static boolean groupExists(String group) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Path absolute(String key, String value, List<String> problems) {
        try {
            Path path = Path.of(value);
            if (path.isAbsolute()) {
                return path;
            }
            problems.add(key + ": '" + value + "' is not an absolute path");
        } catch (InvalidPathException e) {
            problems.add(key + ": not a path (it holds a NUL character)");
        }
        return null;
    }

    private static URI url(String key, String value, List<String> problems) {
        try {
            URI url = new URI(value);
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                problems.add(key + ": '" + value + "' is not http[s]://HOST[:PORT]/PATH");
                return null;
            }
            return url;
        } catch (URISyntaxException e) {
            problems.add(key + ": '" + value + "' is not a URL: " + e.getReason());
            return null;
        }
    }
}
