package selfheal.check.worker;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.apache.commons.cli.CommandLine;
import selfheal.plugin.CheckResult;
import selfheal.plugin.Plugin;
import selfheal.plugin.Status;
import selfheal.plugin.UsageException;

/**
 * check_worker: the Nagios plugin that GETs a worker's status endpoint and turns what it says into
 * OK/WARNING/CRITICAL/UNKNOWN. {@code check_worker --help} lists the options.
 */
public final class CheckWorker {

    private static final String SYNOPSIS = "Checks a worker daemon's status endpoint over HTTP(S): health+json, Spring Boot,"
            + " Dropwizard, MicroProfile, Vert.x, Kubernetes-style text, or the HTTP status alone.\n\n";

    private static final String USAGE = "-H HOST | -I ADDRESS [-p PORT] [-u PATH] [-S] [-C DAYS] [-w RANGE] [-c RANGE]"
            + " [-t SECONDS] [--stale ...] [--value ...] [-e CODES] [-s TEXT] [-r REGEX] [-f ok|warning|critical|follow]"
            + " [-4|-6] [-J PEM -K PEM] [--ca-file PEM] [--extra-opts [SECTION][@FILE]] [-v]";

    private static final String EXAMPLES = ""
            + "  check_worker -H 10.0.0.5 -p 8081 --stale worker:heartbeat,warn=20,crit=45\n"
            + "    foo's health+json document; WARNING/CRITICAL when its heartbeat is 20/45 s old\n"
            + "  check_worker -H worker1.example.org -S -C 30,14 -w 0.5 -c 2\n"
            + "    over https; WARNING when the certificate expires within 30 days or the answer takes over 0.5 s\n"
            + "  check_worker -H app.example.org -I 10.0.0.5 -p 8080 --value /queue/depth,warn=100,crit=1000\n"
            + "    the virtual host app.example.org on 10.0.0.5; a number in the document against ranges\n"
            + "  check_worker --extra-opts=worker1@/etc/nagios/selfheal.ini\n"
            + "    options (e.g. authorization=user:secret) from section [worker1], not on the command line\n";

    private final InstantSource clock;
    private final Path workingDirectory;
    private final Executor threads;

    /**
     * @param clock "now" for heartbeat ages; tests pass a fixed one. An InstantSource, not a Clock: the
     *     system Clock sets up ZoneOffset and its caches at start, which the check never needs.
     * @param workingDirectory where a relative {@code --ca-file} is: the process's own directory for a
     *     check in a JVM of its own, the client's for a check run by the check service
     */
    public CheckWorker(InstantSource clock, Path workingDirectory) {
        this(clock, workingDirectory, null);
    }

    /**
     * @param threads where each request runs under its deadline, for a resident program that checks every
     *     second; null for a thread of its own per request, as a plugin's single check has
     */
    public CheckWorker(InstantSource clock, Path workingDirectory, Executor threads) {
        this.clock = clock;
        this.workingDirectory = workingDirectory;
        this.threads = threads;
    }

    CheckWorker(InstantSource clock) {
        this(clock, Path.of(""));
    }

    public static void main(String[] args) {
        Plugin.exit(System.out, new CheckWorker(InstantSource.system()).run(args, System.out));
    }

    public int run(String[] args, PrintStream out) {
        return plugin().run(args, workingDirectory, out, new Plugin.Check() {
            @Override
            public CheckResult run(CommandLine cmd) throws Exception {
                return check(WorkerOptions.from(cmd));
            }
        });
    }

    /**
     * Null when {@code args} is a valid check_worker command line, else what a run would answer as its usage
     * error; nothing is probed. For a caller that validates options long before it runs them.
     */
    public static String usageProblem(String[] args) {
        try {
            WorkerOptions.from(plugin().parse(args));
            return null;
        } catch (UsageException e) {
            return e.getMessage();
        }
    }

    /**
     * {@code args} parsed once, to be checked as often as wanted: what a run prints, as a result. The local
     * watch reads its workers this way every second without parsing their options each time.
     */
    public Supplier<CheckResult> repeatable(String[] args) throws UsageException {
        Plugin plugin = plugin();
        WorkerOptions options = WorkerOptions.from(plugin.parse(args));
        return new Supplier<CheckResult>() {
            @Override
            public CheckResult get() {
                return plugin.guard(new Plugin.Evaluation() {
                    @Override
                    public CheckResult run() throws Exception {
                        return check(options);
                    }
                });
            }
        };
    }

    private static Plugin plugin() {
        return new Plugin(ResponseEvaluation.SERVICE, "check_worker", SYNOPSIS, USAGE, EXAMPLES, WorkerOptions.options());
    }

    private CheckResult check(WorkerOptions options) throws Exception {
        SSLSocketFactory tls = WorkerTls.socketFactory(options.caFile(), options.clientCert(), options.clientKey(), workingDirectory);
        HttpResponse response;
        try {
            response = new HttpProbe(tls, threads).get(options.endpoint(), options.headers(), options.standard().timeout(),
                    options.follow());
        } catch (ProbeFailure failure) {
            return switch (failure.kind()) {
                case TIMEOUT -> CheckResult.of(ResponseEvaluation.SERVICE, options.timeoutResult(), failure.getMessage());
                case UNREACHABLE -> CheckResult.of(ResponseEvaluation.SERVICE, Status.CRITICAL, failure.getMessage());
                case TOO_LARGE -> CheckResult.of(ResponseEvaluation.SERVICE, Status.UNKNOWN, failure.getMessage());
            };
        }
        return new ResponseEvaluation(options, clock.instant()).evaluate(response);
    }
}
