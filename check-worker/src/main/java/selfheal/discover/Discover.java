package selfheal.discover;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import selfheal.check.listener.CheckListener;
import selfheal.check.listener.ListenerClient;
import selfheal.check.listener.TlsOptions;
import selfheal.plugin.UsageException;

/**
 * selfheal-discover: on the monitoring server, asks each command-listener named on the command line which
 * workers it heals ({@code describe}, over TLS with check_listener's options) and keeps one object file per
 * host in a directory of its own, for Nagios or (with {@code --icinga2}) Icinga 2. New objects are checked
 * by the monitor itself on a copy before any file is replaced; a file whose content would not change is not
 * touched; what changed is printed per host. See nagios-config/README.md, "Discovery".
 *
 * <p>Exit codes: 0 every listener answered and its objects are in place; 1 a listener could not be asked or
 * answered badly (its last file is kept as it was; the others are written); 2 the new objects failed the
 * monitor's check (nothing was replaced); 3 a usage error, or the directory could not be written.
 */
public final class Discover {
    static final int ANSWERED = 0;
    static final int UNREACHABLE = 1;
    static final int INVALID = 2;
    static final int FAILED = 3;

    private static final String USAGE = "selfheal-discover [options] HOST[:PORT]...";

    public static void main(String[] args) {
        System.exit(new Discover().run(args, System.out));
    }

    /** What happened to one host, for the report. */
    private record Outcome(Target target, String text, boolean answered) {
    }

    public int run(String[] args, PrintStream out) {
        Options options = options();
        CommandLine cmd;
        Settings settings;
        try {
            cmd = new DefaultParser().parse(options, args);
            if (cmd.hasOption("help")) {
                help(options, out);
                return ANSWERED;
            }
            settings = Settings.from(cmd);
        } catch (ParseException | UsageException e) {
            out.println("selfheal-discover: " + e.getMessage() + "\nusage: " + USAGE + " (--help for more)");
            return FAILED;
        }
        try {
            return discover(settings, out);
        } catch (IOException e) {
            out.println("selfheal-discover: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("selfheal-discover: interrupted; nothing replaced");
            return FAILED;
        }
    }

    private static int discover(Settings s, PrintStream out) throws IOException, InterruptedException {
        Files.createDirectories(s.output());
        List<Outcome> outcomes = new ArrayList<>();
        Map<Path, String> changed = new LinkedHashMap<>();
        List<Future<Description>> answers = askAll(s);
        for (int i = 0; i < s.targets().size(); i++) {
            Target target = s.targets().get(i);
            Description description;
            try {
                description = answers.get(i).get();
            } catch (ExecutionException e) {
                outcomes.add(new Outcome(target, "not described: " + e.getCause().getMessage()
                        + "; its last objects kept", false));
                continue;
            }
            Path file = s.format().file(s.output(), target);
            String text = s.format().render(target, description, s.objects());
            String old = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
            if (text.equals(old)) {
                outcomes.add(new Outcome(target, "unchanged (" + description.workers().size() + " workers)", true));
                continue;
            }
            changed.put(file, text);
            outcomes.add(new Outcome(target, changes(old == null ? Map.of() : s.format().workersIn(old),
                    s.format().workersIn(text), old == null), true));
        }
        if (!changed.isEmpty()) {
            Validation.Result result = validate(s, changed);
            if (!result.passed()) {
                for (Outcome o : outcomes) {
                    out.println(o.target() + ": " + o.text());
                }
                out.println("selfheal-discover: the new objects fail " + s.validation().program().getFileName()
                        + "'s check; nothing replaced:\n" + Validation.errors(result.output()));
                return INVALID;
            }
            for (Map.Entry<Path, String> e : changed.entrySet()) {
                replace(e.getKey(), e.getValue());
            }
        }
        int unreachable = 0;
        for (Outcome o : outcomes) {
            out.println(o.target() + ": " + o.text());
            unreachable += o.answered() ? 0 : 1;
        }
        out.println("selfheal-discover: " + changed.size() + " of " + outcomes.size() + " hosts changed"
                + (unreachable > 0 ? ", " + unreachable + " not described" : "")
                + (changed.isEmpty() ? "" : "; checked by " + s.validation().program().getFileName()
                        + ", reload " + (s.format() == ObjectFormat.NAGIOS ? "Nagios" : "Icinga 2") + " to apply"));
        return unreachable > 0 ? UNREACHABLE : ANSWERED;
    }

    /** At most this many listeners are asked at once: a fleet's unreachable hosts cost one timeout, not each one. */
    static final int AT_ONCE = 8;

    /** Each target's description (or why there is none), asked {@value #AT_ONCE} at a time, in order. */
    private static List<Future<Description>> askAll(Settings s) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(AT_ONCE, s.targets().size()));
        try {
            List<Callable<Description>> asks = new ArrayList<>();
            for (Target target : s.targets()) {
                asks.add(new Callable<Description>() {
                    @Override
                    public Description call() throws ListenerClient.Failure, Worker.Malformed {
                        return Description.parse(new ListenerClient().ask("describe", true, target.host(),
                                target.port(), s.timeout(), s.tls().client(), s.source()).lines());
                    }
                });
            }
            return pool.invokeAll(asks); // each ask ends within its timeout
        } finally {
            pool.shutdownNow();
        }
    }

    /** E.g. {@code added foo, bar; removed baz; changed qux}, or {@code new host: added foo}. */
    private static String changes(Map<String, String> before, Map<String, String> after, boolean fresh) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> e : after.entrySet()) {
            String was = before.get(e.getKey());
            if (was == null) {
                added.add(e.getKey());
            } else if (!was.equals(e.getValue())) {
                differ.add(e.getKey());
            }
        }
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                removed.add(name);
            }
        }
        List<String> clauses = new ArrayList<>();
        if (!added.isEmpty()) {
            clauses.add("added " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            clauses.add("removed " + String.join(", ", removed));
        }
        if (!differ.isEmpty()) {
            clauses.add("changed " + String.join(", ", differ));
        }
        if (clauses.isEmpty()) {
            clauses.add("objects rewritten (settings changed)");
        }
        return (fresh ? "new host: " : "") + String.join("; ", clauses);
    }

    /**
     * The monitor's check of the output directory as it would be: every file of it, with the changed ones
     * in their new content, in a private copy the monitor's user can read.
     */
    private static Validation.Result validate(Settings s, Map<Path, String> changed)
            throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("selfheal-discover-");
        try {
            Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path candidate = Files.createDirectory(scratch.resolve("objects"));
            Files.setPosixFilePermissions(candidate, PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, String> files = new TreeMap<>();
            try (DirectoryStream<Path> present = Files.newDirectoryStream(s.output())) {
                for (Path file : present) {
                    if (Files.isRegularFile(file) && !file.getFileName().toString().startsWith(".")) {
                        files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
                    }
                }
            }
            for (Map.Entry<Path, String> e : changed.entrySet()) {
                files.put(e.getKey().getFileName().toString(), e.getValue());
            }
            for (Map.Entry<String, String> e : files.entrySet()) {
                Path copy = candidate.resolve(e.getKey());
                Files.writeString(copy, e.getValue(), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            }
            return s.validation().check(s.output(), candidate, scratch);
        } finally {
            deleteTree(scratch);
        }
    }

    /** Writes {@code text} beside {@code file} and renames it over: a reader sees the old file or the new. */
    private static void replace(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(entry);
                } else {
                    Files.delete(entry);
                }
            }
        }
        Files.delete(dir);
    }

    private static Options options() {
        Options options = new Options()
                .addOption("h", "help", false, "print this help and exit")
                .addOption(Option.builder("o").longOpt("output").hasArg().argName("DIR")
                        .desc("the directory of the object files, its own cfg_dir (Nagios; default "
                                + Settings.NAGIOS_OUTPUT + ") or include_recursive (Icinga 2; default "
                                + Settings.ICINGA2_OUTPUT + ")").build())
                .addOption(Option.builder().longOpt("icinga2").desc("write Icinga 2 Host objects for the shipped"
                        + " apply rules, checked with icinga2 daemon -C").build())
                .addOption(Option.builder().longOpt("nagios-cfg").hasArg().argName("FILE")
                        .desc("Nagios' main file (default " + Settings.NAGIOS_CFG + ")").build())
                .addOption(Option.builder().longOpt("nagios").hasArg().argName("PROGRAM")
                        .desc("Nagios' binary (default " + Settings.NAGIOS + ")").build())
                .addOption(Option.builder().longOpt("icinga2-conf").hasArg().argName("FILE")
                        .desc("Icinga 2's main file (default " + Settings.ICINGA2_CONF + ")").build())
                .addOption(Option.builder().longOpt("icinga2-bin").hasArg().argName("PROGRAM")
                        .desc("Icinga 2's binary (default " + Settings.ICINGA2 + ")").build())
                .addOption(Option.builder().longOpt("host-template").hasArg().argName("NAME")
                        .desc("the host template (default linux-server; Icinga 2: generic-host)").build())
                .addOption(Option.builder().longOpt("worker-template").hasArg().argName("NAMES")
                        .desc("Nagios: the worker services' use (default " + Settings.WORKER_USE + ")").build())
                .addOption(Option.builder().longOpt("listener-template").hasArg().argName("NAMES")
                        .desc("Nagios: the listener service's use (default " + Settings.LISTENER_USE + ")")
                        .build())
                .addOption(Option.builder("p").longOpt("port").hasArg().argName("PORT")
                        .desc("the listeners' port where HOST has none (default "
                                + Settings.DEFAULT_PORT + ")").build())
                .addOption(Option.builder("t").longOpt("timeout").hasArg().argName("SECONDS")
                        .desc("for each listener's answer (default "
                                + Settings.DEFAULT_TIMEOUT.toSeconds() + ")").build())
                .addOption(Option.builder().longOpt("source").hasArg().argName("ADDRESS")
                        .desc("connect from this local address (default, or -: the kernel's choice); also"
                                + " written for the checks and the handler").build());
        TlsOptions.addFilesTo(options);
        return options;
    }

    private static void help(Options options, PrintStream out) {
        java.io.PrintWriter writer = new java.io.PrintWriter(out);
        new HelpFormatter().printHelp(writer, 100, USAGE,
                "Asks each selfheal command-listener which workers it heals (describe) and writes one object file"
                        + " per host. Exit: 0 all described, 1 a listener not described (its file kept),"
                        + " 2 objects invalid (nothing replaced), 3 usage or write error.\n\n",
                options, 2, 2, "");
        writer.flush();
    }

    /** The command line, checked. */
    private record Settings(List<Target> targets, Path output, ObjectFormat format, Validation validation,
                            ObjectFormat.Settings objects, Duration timeout, TlsOptions tls,
                            java.net.InetAddress source) {
        static final int DEFAULT_PORT = 5669;
        static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
        static final String NAGIOS_OUTPUT = "/etc/nagios4/selfheal-discovered";
        static final String ICINGA2_OUTPUT = "/etc/icinga2/selfheal-discovered";
        static final String NAGIOS_CFG = "/etc/nagios4/nagios.cfg";
        static final String NAGIOS = "/usr/sbin/nagios4";
        static final String ICINGA2_CONF = "/etc/icinga2/icinga2.conf";
        static final String ICINGA2 = "/usr/sbin/icinga2";
        static final String WORKER_USE = "selfheal-worker-service,generic-service";
        static final String LISTENER_USE = "selfheal-listener-service,generic-service";
        /** What may go into an object file from the command line: no ';', '$', '"', blank or newline. */
        private static final String SAFE = "[A-Za-z0-9/._,:@+-]+";

        static Settings from(CommandLine cmd) throws UsageException {
            boolean icinga2 = cmd.hasOption("icinga2");
            ObjectFormat format = icinga2 ? ObjectFormat.ICINGA2 : ObjectFormat.NAGIOS;
            int port = DEFAULT_PORT;
            if (cmd.hasOption("port")) {
                port = Target.parse("x:" + cmd.getOptionValue("port"), DEFAULT_PORT).port();
            }
            List<Target> targets = new ArrayList<>();
            for (String arg : cmd.getArgList()) {
                targets.add(Target.parse(arg, port));
            }
            if (targets.isEmpty()) {
                throw new UsageException("no listener given");
            }
            Duration timeout = DEFAULT_TIMEOUT;
            if (cmd.hasOption("timeout")) {
                try {
                    timeout = Duration.ofMillis(Math.round(Double.parseDouble(cmd.getOptionValue("timeout")) * 1000));
                } catch (NumberFormatException e) {
                    timeout = Duration.ZERO;
                }
                if (timeout.toMillis() < 100 || timeout.toSeconds() > 3600) {
                    throw new UsageException("bad --timeout '" + cmd.getOptionValue("timeout")
                            + "': seconds from 0.1 to 3600");
                }
            }
            TlsOptions tls = TlsOptions.from(cmd);
            List<String> tlsFiles = null;
            if (tls.client() != null) {
                tlsFiles = List.of(safe("--client-cert", absolute(cmd.getOptionValue("client-cert"))),
                        safe("--client-key", absolute(cmd.getOptionValue("client-key"))),
                        safe("--ca-file", absolute(cmd.getOptionValue("ca-file"))));
            }
            java.net.InetAddress source = CheckListener.source(cmd);
            ObjectFormat.Settings objects = new ObjectFormat.Settings(
                    safe("--host-template", cmd.getOptionValue("host-template", icinga2 ? "generic-host" : "linux-server")),
                    safe("--worker-template", cmd.getOptionValue("worker-template", WORKER_USE)),
                    safe("--listener-template", cmd.getOptionValue("listener-template", LISTENER_USE)),
                    tlsFiles, source == null ? null : source.getHostAddress());
            Validation validation = icinga2
                    ? new Validation(format, Path.of(cmd.getOptionValue("icinga2-bin", ICINGA2)),
                            Path.of(cmd.getOptionValue("icinga2-conf", ICINGA2_CONF)))
                    : new Validation(format, Path.of(cmd.getOptionValue("nagios", NAGIOS)),
                            Path.of(cmd.getOptionValue("nagios-cfg", NAGIOS_CFG)));
            if (!Files.isReadable(validation.main())) {
                throw new UsageException(validation.main() + " cannot be read: the new objects are checked with it");
            }
            Path output = Path.of(cmd.getOptionValue("output", icinga2 ? ICINGA2_OUTPUT : NAGIOS_OUTPUT))
                    .toAbsolutePath().normalize();
            return new Settings(targets, output, format, validation, objects, timeout, tls, source);
        }

        private static String absolute(String path) {
            return Path.of(path.strip()).toAbsolutePath().normalize().toString();
        }

        private static String safe(String option, String value) throws UsageException {
            if (!value.matches(SAFE)) {
                throw new UsageException("bad " + option + " '" + value + "': it goes into the object files, so"
                        + " only letters, digits and / . _ , : @ + -");
            }
            return value;
        }
    }
}
