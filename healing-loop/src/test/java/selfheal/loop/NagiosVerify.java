package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nagios4 -v (or other flags) on a private main file: Debian's stock objects plus a cfg_dir of objects; and the
 * Icinga 2 main file the shipped Icinga 2 objects are checked in.
 */
final class NagiosVerify {
    /** Debian's stock Icinga 2 objects, which the shipped ones build on (templates, users, time periods). */
    private static final List<String> ICINGA2_STOCK = List.of("include \"/etc/icinga2/constants.conf\"",
            "include <itl>", "include <plugins>", "include \"/etc/icinga2/conf.d/templates.conf\"",
            "include \"/etc/icinga2/conf.d/commands.conf\"", "include \"/etc/icinga2/conf.d/timeperiods.conf\"",
            "include \"/etc/icinga2/conf.d/users.conf\"");

    private NagiosVerify() {
    }

    record Result(int exit, String output) {
    }

    /** @param dir a private directory for the main file and what Nagios writes (chowned to nagios) */
    static Result run(Path dir, Path objects, String... flags) throws Exception {
        List<String> lines = new ArrayList<>();
        if (Files.isDirectory(Path.of("/etc/nagios-plugins/config"))) {
            lines.add("cfg_dir=/etc/nagios-plugins/config");
        }
        for (String stock : List.of("commands", "contacts", "timeperiods", "templates", "localhost")) {
            Path file = Path.of("/etc/nagios4/objects", stock + ".cfg");
            assertTrue(Files.isReadable(file), file + " is missing: is nagios4-core installed?");
            lines.add("cfg_file=" + file);
        }
        lines.add("cfg_dir=" + objects);
        lines.add("resource_file=/etc/nagios4/resource.cfg");
        for (String[] path : new String[][] {{"log_file", "nagios.log"}, {"object_cache_file", "objects.cache"},
                {"precached_object_file", "objects.precache"}, {"status_file", "status.dat"},
                {"command_file", "nagios.cmd"}, {"query_socket", "nagios.qh"}, {"lock_file", "nagios.lock"},
                {"temp_file", "nagios.tmp"}, {"temp_path", ""}, {"check_result_path", ""},
                {"state_retention_file", "retention.dat"}, {"debug_file", "nagios.debug"}}) {
            lines.add(path[0] + "=" + dir.resolve(path[1]));
        }
        lines.add("retain_state_information=0");
        lines.add("use_syslog=0");
        lines.add("check_for_updates=0");
        lines.add("illegal_macro_output_chars=`~$&|'\"<>");
        Path main = dir.resolve("nagios.cfg");
        Files.write(main, lines, StandardCharsets.UTF_8);
        execute(List.of("chown", "nagios:nagios", dir.toString()));
        List<String> command = new ArrayList<>(List.of("/usr/sbin/nagios4"));
        command.addAll(flags.length == 0 ? List.of("-v") : List.of(flags));
        command.add(main.toString());
        return execute(command);
    }

    /** Writes {@code file}: an Icinga 2 main file of the stock objects followed by {@code lines}. */
    static Path icinga2Main(Path file, String... lines) throws Exception {
        List<String> all = new ArrayList<>(ICINGA2_STOCK);
        all.addAll(List.of(lines));
        Files.write(file, all, StandardCharsets.UTF_8);
        return file;
    }

    /** Runs {@code command} to its end (at most 60 s), its output and errors together. */
    static Result execute(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }
}
