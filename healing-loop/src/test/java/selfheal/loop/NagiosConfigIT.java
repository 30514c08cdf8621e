package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * nagios-config/ drops into a stock Debian Nagios 4 and Icinga 2 unchanged: validated beside the objects
 * the packages ship (read from /etc, never changed), on private main configurations.
 */
class NagiosConfigIT {
    private static final Path OBJECTS = PrivateStack.checkout().resolve("nagios-config/nagios");
    private static final Path ICINGA_OBJECTS = PrivateStack.checkout().resolve("nagios-config/icinga2");
    private static final Path LISTENER_EXAMPLE =
            PrivateStack.checkout().resolve("command-listener/examples/listener.properties");
    private static final Path DEBIAN_NAGIOS_CFG = Path.of("/etc/nagios4/nagios.cfg");
    private static final Pattern DEFINE_SERVICE = Pattern.compile("define\\s+service\\s*\\{([^}]*)}");
    private static final Pattern STALE_CRIT = Pattern.compile("--stale \\S*\\bcrit=(\\d+(?:\\.\\d+)?)");
    private Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("selfheal-config-");
        // nagios4 -v drops to the nagios user after reading the main file.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theNagiosObjectsPassVerificationBesideDebiansStockObjectsWithNoWarnings() throws Exception {
        Result result = verifyNagios(OBJECTS);
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("Total Warnings: 0"), result.output());
        assertTrue(result.output().contains("Total Errors:   0"), result.output());
    }

    @Test
    void noCommandLineIsCutShortByASemicolon() throws Exception {
        // nagios4 -vp writes the objects as Nagios understood them: the handler's line must be whole.
        Result result = verifyNagios(OBJECTS, "-vp");
        assertEquals(0, result.exit(), result.output());
        String precache = Files.readString(dir.resolve("objects.precache"));
        assertTrue(precache.contains("$SERVICESTATE$ $SERVICESTATETYPE$ $SERVICEATTEMPT$ $HOSTADDRESS$"
                + " $_SERVICELISTENER_PORT$ $_SERVICEHEAL_COMMAND$\n"), "selfheal-heal was cut short:\n" + precache);
        assertTrue(precache.contains("$USER1$/check_worker -H $HOSTADDRESS$ -p $_SERVICEWORKER_PORT$"
                + " -u $_SERVICEWORKER_URL$ $ARG1$\n"), precache);
        assertTrue(precache.contains(" -o \"$SERVICEOUTPUT$\" "), "the handler must get the check's output:\n" + precache);
    }

    @Test
    void theShippedTimeoutsKeepTheirOrder() throws Exception {
        // listener command timeout < handler -t < Nagios' event_handler_timeout < the next check
        double listener = Double.parseDouble(listenerExample().getProperty("command.foo-restart.timeout", "20"));
        Map<String, String> template = serviceDefinition(OBJECTS.resolve("selfheal-templates.cfg"),
                "selfheal-worker-service");
        int handler = Integer.parseInt(template.get("_HEAL_TIMEOUT"));
        Map<String, String> debian = mainConfig(DEBIAN_NAGIOS_CFG);
        int eventHandlerTimeout = Integer.parseInt(debian.getOrDefault("event_handler_timeout", "30"));
        int intervalLength = Integer.parseInt(debian.getOrDefault("interval_length", "60"));
        double retrySeconds = Double.parseDouble(template.get("retry_interval")) * intervalLength;
        String order = "listener " + listener + " s < _HEAL_TIMEOUT " + handler + " s < event_handler_timeout "
                + eventHandlerTimeout + " s < retry_interval " + retrySeconds + " s";
        assertTrue(listener < handler && handler < eventHandlerTimeout && eventHandlerTimeout < retrySeconds, order);

        String icinga = Files.readString(ICINGA_OBJECTS.resolve("selfheal.conf"));
        assertEquals(String.valueOf(handler), icingaValue(icinga, "vars.heal_timeout"), "Icinga 2's heal_timeout");
        assertEquals(eventHandlerTimeout + "s", icingaValue(icinga, "timeout"), "the Icinga 2 EventCommand's timeout");
        assertEquals(String.valueOf((int) retrySeconds / 60) + "m", icingaValue(icinga, "retry_interval"));
    }

    @Test
    void everyShippedExampleWorkerServiceWatchesItsHeartbeatWithinOneCheckInterval() throws Exception {
        Map<String, String> template = serviceDefinition(OBJECTS.resolve("selfheal-templates.cfg"),
                "selfheal-worker-service");
        int intervalLength = Integer.parseInt(mainConfig(DEBIAN_NAGIOS_CFG).getOrDefault("interval_length", "60"));
        double checkSeconds = Double.parseDouble(template.get("check_interval")) * intervalLength;
        int workers = 0;
        for (Map<String, String> service : serviceDefinitions(OBJECTS.resolve("selfheal-foo.cfg"))) {
            if (service.getOrDefault("use", "").contains("selfheal-worker-service")) {
                workers++;
                assertStaleCritBelow(checkSeconds, service.get("check_command"));
            }
        }
        assertTrue(workers > 0, "no worker service in selfheal-foo.cfg");

        String icinga = Files.readString(ICINGA_OBJECTS.resolve("selfheal-foo.conf"));
        Matcher worker = Pattern.compile("vars\\.selfheal_workers\\[[^]]*]\\s*=\\s*\\{([^}]*)}").matcher(icinga);
        int icingaWorkers = 0;
        while (worker.find()) {
            icingaWorkers++;
            assertStaleCritBelow(checkSeconds, "--stale " + firstOfArray(worker.group(1), "check_worker_stale"));
        }
        assertTrue(icingaWorkers > 0, "no selfheal_workers in selfheal-foo.conf");
    }

    private static void assertStaleCritBelow(double checkSeconds, String arguments) {
        Matcher crit = STALE_CRIT.matcher(String.valueOf(arguments));
        assertTrue(crit.find(), "no --stale ...,crit=N: " + arguments);
        assertTrue(Double.parseDouble(crit.group(1)) < checkSeconds,
                "a frozen document must be CRITICAL by the next check, " + checkSeconds + " s later: " + arguments);
    }

    @Test
    void verificationFailsWhenTheCommandsAreMissing() throws Exception {
        // The check above can fail: without selfheal-commands.cfg the templates name unknown commands.
        Path partial = Files.createDirectory(dir.resolve("partial"));
        for (String name : List.of("selfheal-templates.cfg", "selfheal-foo.cfg")) {
            Files.copy(OBJECTS.resolve(name), partial.resolve(name));
        }
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result result = verifyNagios(partial);
        assertTrue(result.exit() != 0, result.output());
        assertTrue(result.output().contains("selfheal-check-worker"), result.output());
    }

    @Test
    void theIcinga2ObjectsPassValidationBesideTheStockTemplates() throws Exception {
        Path conf = dir.resolve("icinga2.conf");
        NagiosVerify.icinga2Main(conf, "include \"" + ICINGA_OBJECTS + "/*.conf\"");
        Files.createDirectory(dir.resolve("cache"));
        Result result = run(List.of("/usr/sbin/icinga2", "daemon", "-C", "-c", conf.toString(),
                "-DConfiguration.CacheDir=" + dir.resolve("cache"),
                "-DConfiguration.RunAsUser=root", "-DConfiguration.RunAsGroup=root"));
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("Instantiated 2 Services"), "worker-foo and the listener:\n" + result.output());
        assertTrue(result.output().contains("Instantiated 1 EventCommand"), result.output());
        assertTrue(result.output().contains("Instantiated 1 Notification"), "the heal-failed notification:\n" + result.output());
        assertTrue(!result.output().contains("warning/"), result.output());
    }

    private static Properties listenerExample() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(LISTENER_EXAMPLE)) {
            properties.load(in);
        }
        return properties;
    }

    /** key=value lines of a Nagios main configuration file; the last one wins, as in Nagios. */
    private static Map<String, String> mainConfig(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0) {
                values.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        return values;
    }

    /** The directives of each {@code define service} in an object file ({@code ;} starts a comment). */
    private static List<Map<String, String>> serviceDefinitions(Path file) throws IOException {
        List<Map<String, String>> services = new ArrayList<>();
        Matcher define = DEFINE_SERVICE.matcher(Files.readString(file));
        while (define.find()) {
            Map<String, String> directives = new LinkedHashMap<>();
            for (String line : define.group(1).split("\n")) {
                String[] directive = line.replaceFirst(";.*", "").strip().split("\\s+", 2);
                if (directive.length == 2) {
                    directives.put(directive[0], directive[1].strip());
                }
            }
            services.add(directives);
        }
        return services;
    }

    private static Map<String, String> serviceDefinition(Path file, String name) throws IOException {
        return serviceDefinitions(file).stream().filter(s -> name.equals(s.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no service template " + name + " in " + file));
    }

    /** The first string of the array in the first {@code key = [ "...", ... ]} in Icinga 2 configuration text. */
    private static String firstOfArray(String text, String key) {
        Matcher value = Pattern.compile(Pattern.quote(key) + "\\s*=\\s*\\[\\s*\"([^\"]*)\"").matcher(text);
        assertTrue(value.find(), "no " + key + " = [ \"...\" ] in\n" + text);
        return value.group(1);
    }

    /** The value of the first {@code key = value} in Icinga 2 configuration text, quotes removed. */
    private static String icingaValue(String text, String key) {
        Matcher value = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*=\\s*\"?([^\"\\n]*)\"?").matcher(text);
        assertTrue(value.find(), "no " + key + " in\n" + text);
        return value.group(1).strip();
    }

    /** nagios4 -v on a private main file: Debian's stock objects plus {@code objects} as a cfg_dir. */
    private Result verifyNagios(Path objects, String... flags) throws Exception {
        NagiosVerify.Result r = NagiosVerify.run(dir, objects, flags);
        return new Result(r.exit(), r.output());
    }

    private static Result run(List<String> command) throws Exception {
        NagiosVerify.Result r = NagiosVerify.execute(command);
        return new Result(r.exit(), r.output());
    }

    private record Result(int exit, String output) {
    }
}
