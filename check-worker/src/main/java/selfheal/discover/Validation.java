package selfheal.discover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitor's own check of a set of object files before they replace anything: its main configuration,
 * copied with the output directory's line pointing at the new files instead (or such a line added), read by
 * {@code nagios4 -v} or {@code icinga2 daemon -C}. Everything else the main file names is read where it is.
 *
 * @param program the monitor's binary
 * @param main    its main configuration file
 */
record Validation(ObjectFormat format, Path program, Path main) {
    private static final Pattern NAGIOS_DIR = Pattern.compile("^\\s*cfg_dir\\s*=\\s*(.+?)\\s*$");
    private static final Pattern ICINGA2_INCLUDE =
            Pattern.compile("^(\\s*include(?:_recursive)?\\s+)\"([^\"]+)\"(.*)$");
    private static final long LIMIT_SECONDS = 120;

    /** The outcome: passed, and the monitor's output (its errors when it did not). */
    record Result(boolean passed, String output) {
    }

    /**
     * Checks the objects in {@code candidate} as if they were {@code output}; {@code scratch} holds the copied
     * main file. Both must be readable by the monitor's user (it drops to it, also for the check).
     */
    Result check(Path output, Path candidate, Path scratch) throws IOException, InterruptedException {
        Path copy = scratch.resolve(format == ObjectFormat.NAGIOS ? "nagios.cfg" : "icinga2.conf");
        List<String> lines = new ArrayList<>();
        boolean found = false;
        Path base = main.toAbsolutePath().getParent();
        for (String line : Files.readAllLines(main, StandardCharsets.UTF_8)) {
            if (format == ObjectFormat.NAGIOS) {
                Matcher m = NAGIOS_DIR.matcher(line);
                if (m.matches() && same(base.resolve(m.group(1)), output)) {
                    line = "cfg_dir=" + candidate;
                    found = true;
                }
            } else {
                Matcher m = ICINGA2_INCLUDE.matcher(line);
                if (m.matches()) {
                    // the copy lives elsewhere: every relative include is made absolute
                    Path included = base.resolve(m.group(2));
                    if (same(included, output)) {
                        included = candidate;
                        found = true;
                    }
                    line = m.group(1) + "\"" + included + "\"" + m.group(3);
                }
            }
            lines.add(line);
        }
        if (!found) {
            lines.add(format == ObjectFormat.NAGIOS ? "cfg_dir=" + candidate
                    : "include_recursive \"" + candidate + "\"");
        }
        Files.write(copy, lines, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        List<String> command = format == ObjectFormat.NAGIOS ? List.of(program.toString(), "-v", copy.toString())
                : List.of(program.toString(), "daemon", "-C", "-c", copy.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(false, String.join(" ", command) + " did not finish within " + LIMIT_SECONDS + " s");
        }
        return new Result(process.exitValue() == 0, text);
    }

    /** Whether two paths name the same directory, as written or as resolved. */
    private static boolean same(Path a, Path b) {
        if (a.normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** The lines of the monitor's output that say what is wrong (all of it if none does). */
    static String errors(String output) {
        List<String> errors = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.contains("Error") || line.contains("critical/") || line.contains("Config validation failed")) {
                errors.add(line.strip());
            }
        }
        return errors.isEmpty() ? output.strip() : String.join("\n", errors);
    }
}
