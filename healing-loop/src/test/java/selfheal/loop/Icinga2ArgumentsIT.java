package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import selfheal.check.worker.CheckWorker;

/**
 * Every check_worker and check_listener option can be set from Icinga 2 variables: a private Icinga 2 daemon
 * (Debian's) runs the shipped CheckCommands with PluginDir pointing at recorders that write their argv, and
 * each variable must arrive as its option with its value, in a command line check_worker accepts.
 */
class Icinga2ArgumentsIT {
    private static final Path SHIPPED = PrivateStack.checkout().resolve("nagios-config/icinga2/selfheal.conf");

    /** check_worker_* variable = its value in Icinga 2 syntax, and the options it must become. */
    private static final List<String[]> WORKER = List.of(
            new String[] {"check_worker_port", "8081", "-p 8081"},
            new String[] {"check_worker_ip", "\"127.0.0.2\"", "-I 127.0.0.2"},
            new String[] {"check_worker_url", "\"/status?x=1\"", "-u /status?x=1"},
            new String[] {"check_worker_ssl", "true", "-S"},
            new String[] {"check_worker_ca_file", "\"/etc/ca.pem\"", "--ca-file /etc/ca.pem"},
            new String[] {"check_worker_client_cert", "\"/etc/c.crt\"", "-J /etc/c.crt"},
            new String[] {"check_worker_private_key", "\"/etc/c.key\"", "-K /etc/c.key"},
            new String[] {"check_worker_certificate", "\"30,14\"", "-C 30,14"},
            new String[] {"check_worker_authorization", "\"u:p\"", "-a u:p"},
            new String[] {"check_worker_header", "[ \"X-A: 1\", \"X-B: 2\" ]", "-k X-A: 1|-k X-B: 2"},
            new String[] {"check_worker_expect", "\"200,204\"", "-e 200,204"},
            new String[] {"check_worker_string", "\"pass\"", "-s pass"},
            new String[] {"check_worker_regex", "\"pa.s\"", "-r pa.s"},
            new String[] {"check_worker_warning", "\"1\"", "-w 1"},
            new String[] {"check_worker_critical", "\"2\"", "-c 2"},
            new String[] {"check_worker_format", "\"health\"", "--format health"},
            new String[] {"check_worker_value", "[ \"/a,warn=1\", \"/b\" ]", "--value /a,warn=1|--value /b"},
            new String[] {"check_worker_stale", "[ \"worker:heartbeat,warn=20,crit=45\" ]", "--stale worker:heartbeat,warn=20,crit=45"},
            new String[] {"check_worker_onredirect", "\"follow\"", "-f follow"},
            new String[] {"check_worker_ipv4", "true", "-4"},
            new String[] {"check_worker_timeout", "9", "-t 9"},
            new String[] {"check_worker_timeout_result", "\"unknown\"", "--timeout-result unknown"},
            new String[] {"check_worker_extra_opts", "\"w1@/etc/x.ini\"", "--extra-opts w1@/etc/x.ini"},
            new String[] {"check_worker_verbose", "true", "-v"});

    private static final List<String[]> LISTENER = List.of(
            new String[] {"check_listener_port", "5670", "-p 5670"},
            new String[] {"check_listener_warning", "\"1\"", "-w 1"},
            new String[] {"check_listener_critical", "\"5\"", "-c 5"},
            new String[] {"check_listener_timeout", "8", "-t 8"},
            new String[] {"check_listener_cert_days", "\"30,7\"", "--cert-days 30,7"},
            new String[] {"check_listener_extra_opts", "\"l1@/etc/x.ini\"", "--extra-opts l1@/etc/x.ini"},
            new String[] {"check_listener_verbose", "true", "-v"});

    @TempDir
    Path dir;

    @Test
    void everyVariableReachesThePluginAsItsOption() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (String plugin : List.of("check_worker", "check_listener")) {
            Path recorder = plugins.resolve(plugin);
            Files.writeString(recorder, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir.resolve(plugin + ".argv")
                    + ".tmp && mv " + dir.resolve(plugin + ".argv") + ".tmp " + dir.resolve(plugin + ".argv")
                    + "\necho 'OK - recorded'\n");
            Files.setPosixFilePermissions(recorder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        StringBuilder conf = new StringBuilder();
        conf.append("const PluginDir = \"").append(plugins).append("\"\n")
                .append("const NodeName = \"selfheal-test\"\nconst ZoneName = \"selfheal-test\"\n")
                .append("include <itl>\n");
        for (String stock : List.of("templates", "commands", "timeperiods", "users")) {
            conf.append("include \"/etc/icinga2/conf.d/").append(stock).append(".conf\"\n");
        }
        conf.append("include \"").append(SHIPPED).append("\"\n")
                .append("object CheckerComponent \"checker\" { }\n")
                .append("object Host \"h\" {\n  check_command = \"dummy\"\n  address = \"127.0.0.1\"\n}\n");
        conf.append(service("worker", "selfheal-worker-service", WORKER));
        conf.append(service("listener", "selfheal-listener-service", LISTENER));
        Path main = dir.resolve("icinga2.conf");
        Files.writeString(main, conf);

        List<String> command = new ArrayList<>(List.of("/usr/sbin/icinga2", "daemon", "-c", main.toString()));
        for (Map.Entry<String, String> constant : Map.of("RunAsUser", "root", "RunAsGroup", "root",
                "DataDir", "data", "LogDir", "log", "CacheDir", "cache", "SpoolDir", "spool", "InitRunDir", "run",
                "PidPath", "run/icinga2.pid", "StatePath", "data/icinga2.state", "ObjectsPath", "cache/objects")
                .entrySet()) {
            String value = constant.getKey().startsWith("RunAs") ? constant.getValue() : dir.resolve(constant.getValue()).toString();
            command.add("-DConfiguration." + constant.getKey() + "=" + value);
        }
        for (String sub : List.of("data", "log", "cache", "spool", "run")) {
            Files.createDirectories(dir.resolve(sub));
        }
        command.add("-DConfiguration.VarsPath=" + dir.resolve("cache/vars"));
        command.add("-DConfiguration.ModAttrPath=" + dir.resolve("data/modified-attributes.conf"));
        Process daemon = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile()).start();
        try {
            Poll.until(Duration.ofSeconds(30), "Icinga 2 to run both checks",
                    () -> Files.exists(dir.resolve("check_worker.argv")) && Files.exists(dir.resolve("check_listener.argv")),
                    () -> {
                        try {
                            return Files.readString(dir.resolve("daemon.log"));
                        } catch (java.io.IOException e) {
                            return e.toString();
                        }
                    });
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
        List<String> worker = Files.readAllLines(dir.resolve("check_worker.argv"), StandardCharsets.UTF_8);
        assertArrives(worker, WORKER);
        assertArrives(worker, List.<String[]>of(new String[] {"check_worker_address", "", "-H 127.0.0.1"}));
        assertNull(CheckWorker.usageProblem(worker.toArray(new String[0])), "check_worker accepts " + worker);
        List<String> listener = Files.readAllLines(dir.resolve("check_listener.argv"), StandardCharsets.UTF_8);
        assertArrives(listener, LISTENER);
        assertArrives(listener, List.<String[]>of(new String[] {"check_listener_address", "", "-H 127.0.0.1"}));
    }

    /** An object Service of the template, checked every second, with each variable set. */
    private static String service(String name, String template, List<String[]> variables) {
        StringBuilder s = new StringBuilder("object Service \"" + name + "\" {\n  host_name = \"h\"\n  import \"" + template
                + "\"\n  check_interval = 1s\n  enable_event_handler = false\n  enable_notifications = false\n");
        for (String[] v : variables) {
            s.append("  vars.").append(v[0]).append(" = ").append(v[1]).append('\n');
        }
        return s.append("}\n").toString();
    }

    /** Each option (with its value as the next argument) of each variable is in argv. */
    private static void assertArrives(List<String> argv, List<String[]> variables) {
        for (String[] v : variables) {
            for (String option : v[2].split("\\|")) {
                String[] parts = option.split(" ", 2);
                boolean found = false;
                for (int i = 0; i < argv.size() && !found; i++) {
                    found = argv.get(i).equals(parts[0])
                            && (parts.length == 1 || i + 1 < argv.size() && argv.get(i + 1).equals(parts[1]));
                }
                assertTrue(found, v[0] + " did not arrive as '" + option + "' in " + argv);
            }
        }
    }
}
