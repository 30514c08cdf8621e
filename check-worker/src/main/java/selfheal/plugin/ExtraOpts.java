package selfheal.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * monitoring-plugins' {@code --extra-opts=[section][@file]}: options read from an ini file, so that credentials
 * stay out of the command line, {@code ps} and the monitor's configuration. Each {@code key=value} of the
 * section becomes {@code --key=value} ({@code -k value} for a one-letter key, {@code --key} for an empty value);
 * the section defaults to the plugin's name, the file to the first of monitoring-plugins' standard locations
 * that exists ({@code MP_CONFIG_FILE}, then {@code NAGIOS_CONFIG_PATH}, then /etc/monitoring-plugins ...).
 * Options on the command line win over those of the file: they are parsed first, and a plugin reads the first
 * value of an option that is given twice.
 */
public final class ExtraOpts {

    static final String OPTION = "--extra-opts";

    /** Where monitoring-plugins 2.3 looks for its ini file, in its order. */
    static final List<String> STANDARD_FILES = List.of(
            "/usr/local/etc/monitoring-plugins/monitoring-plugins.ini",
            "/usr/local/etc/monitoring-plugins.ini",
            "/etc/monitoring-plugins/monitoring-plugins.ini",
            "/etc/monitoring-plugins.ini",
            "/etc/nagios/plugins.ini",
            "/usr/local/nagios/etc/plugins.ini",
            "/usr/local/etc/nagios/plugins.ini",
            "/etc/opt/nagios/plugins.ini",
            "/etc/nagios-plugins.ini",
            "/usr/local/etc/nagios-plugins.ini",
            "/etc/opt/nagios-plugins.ini");

    private static final List<String> NAMES_IN_PATH = List.of("monitoring-plugins.ini", "plugins.ini", "nagios-plugins.ini");

    private ExtraOpts() {
    }

    /**
     * {@code args} with every {@code --extra-opts} replaced by the options it names, appended after the
     * command line's own.
     *
     * @param plugin the default section, e.g. check_worker
     * @param directory where a relative {@code @file} is
     * @throws UsageException naming the file or section that cannot be used
     */
    public static String[] expand(String[] args, String plugin, Map<String, String> environment, Path directory)
            throws UsageException {
        List<String> own = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        boolean found = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String locator;
            if (arg.startsWith(OPTION + "=")) {
                locator = arg.substring(OPTION.length() + 1);
            } else if (arg.equals(OPTION)) {
                locator = i + 1 < args.length && !args[i + 1].startsWith("-") ? args[++i] : "";
            } else {
                own.add(arg);
                continue;
            }
            found = true;
            extra.addAll(section(locator, plugin, environment, directory));
        }
        if (!found) {
            return args;
        }
        own.addAll(extra);
        return own.toArray(new String[0]);
    }

    private static List<String> section(String locator, String plugin, Map<String, String> environment, Path directory)
            throws UsageException {
        int at = locator.indexOf('@');
        String name = at < 0 ? locator : locator.substring(0, at);
        String section = name.isEmpty() ? plugin : name;
        Path file = at < 0 ? standardFile(environment) : directory.resolve(locator.substring(at + 1));
        if (file == null) {
            throw new UsageException("--extra-opts: cannot find config file in any standard location");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("--extra-opts: cannot read config file " + file + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new UsageException("--extra-opts: cannot read config file " + file + ": " + Plugin.describe(e));
        }
        List<String> options = parse(lines, section, file);
        if (options == null) {
            throw new UsageException("--extra-opts: invalid section '" + section + "' in config file '" + file + "'");
        }
        return options;
    }

    /** The options of {@code section}, or null when it is absent or empty. */
    static List<String> parse(List<String> lines, String section, Path file) throws UsageException {
        List<String> options = null;
        boolean inSection = false;
        boolean anySection = false;
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                int close = line.indexOf(']');
                if (close < 0) {
                    throw error(file, number, "a section header without ']'");
                }
                anySection = true;
                inSection = line.substring(1, close).strip().equals(section);
                continue;
            }
            if (!anySection) {
                throw error(file, number, "an option before the first [section]");
            }
            if (!inSection) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw error(file, number, "expected key=value");
            }
            String key = line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            if (key.isEmpty() || key.startsWith("-") || Characters.anyControlOr(key, " \t")) {
                throw error(file, number, "bad key '" + key + "'");
            }
            if (options == null) {
                options = new ArrayList<>();
            }
            if (key.length() == 1) {
                options.add("-" + key);
                if (!value.isEmpty()) {
                    options.add(value);
                }
            } else {
                options.add(value.isEmpty() ? "--" + key : "--" + key + "=" + value);
            }
        }
        return options;
    }

    private static UsageException error(Path file, int line, String what) {
        return new UsageException("--extra-opts: config file error in " + file + " line " + line + ": " + what);
    }

    /** monitoring-plugins' search: MP_CONFIG_FILE, each NAGIOS_CONFIG_PATH directory, the standard files. */
    static Path standardFile(Map<String, String> environment) {
        String named = environment.get("MP_CONFIG_FILE");
        if (named != null) {
            return Path.of(named);
        }
        String path = environment.get("NAGIOS_CONFIG_PATH");
        if (path != null) {
            for (String directory : path.split(":")) {
                if (directory.isEmpty()) {
                    continue;
                }
                for (String name : NAMES_IN_PATH) {
                    Path candidate = Path.of(directory, name);
                    if (Files.exists(candidate)) {
                        return candidate;
                    }
                }
            }
        }
        for (String candidate : STANDARD_FILES) {
            if (Files.exists(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }
}
