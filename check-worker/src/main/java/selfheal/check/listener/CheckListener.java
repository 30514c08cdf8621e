package selfheal.check.listener;

import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import selfheal.plugin.CheckResult;
import selfheal.plugin.PerfData;
import selfheal.plugin.Plugin;
import selfheal.plugin.Seconds;
import selfheal.plugin.StandardArgs;
import selfheal.plugin.Status;
import selfheal.plugin.SubCheck;
import selfheal.plugin.Thresholds;
import selfheal.plugin.UsageException;

/**
 * check_listener: the Nagios plugin that asks a command-listener for {@code ping} and judges the reply
 * ({@link PingReply}): OK on {@code OK pong}, WARNING while a command is flapping, CRITICAL while a restart
 * budget is exhausted and when the listener is unreachable, silent, or answers anything else. Each command's
 * heals of the last hour, per trigger, go to perfdata.
 */
public final class CheckListener {

    static final String SERVICE = "LISTENER";
    static final int DEFAULT_PORT = 5669;

    public static void main(String[] args) {
        Plugin.exit(System.out, new CheckListener().run(args, System.out));
    }

    public int run(String[] args, PrintStream out) {
        Options options = StandardArgs.addTo(new Options(), "the listener's host name or address (required)", "listener port (default " + DEFAULT_PORT + ", service selfheal)")
                .addOption(Option.builder("w").longOpt("warning").hasArg().argName("RANGE").desc("response time range in seconds for WARNING").build())
                .addOption(Option.builder("c").longOpt("critical").hasArg().argName("RANGE").desc("response time range in seconds for CRITICAL").build());
        TlsOptions.addTo(options);
        options.addOption(Option.builder().longOpt("source").hasArg().argName("ADDRESS")
                .desc("connect from this local address (default, or -: the kernel's choice)").build());
        Plugin plugin = new Plugin(SERVICE, "check_listener",
                "Sends ping to a selfheal command-listener and checks its one-line reply.\n\n",
                "-H HOST [-p PORT] [-w RANGE] [-c RANGE] [-t SECONDS] [--ca-file PEM --client-cert PEM --client-key PEM]"
                        + " [--cert-days WARN[,CRIT]] [--source ADDRESS] [--extra-opts [SECTION][@FILE]]",
                "  check_listener -H worker1.example.org\n"
                        + "    OK while heals can run; WARNING while a command flaps, CRITICAL while a budget is exhausted\n"
                        + "  check_listener -H 10.0.0.5 -p 5669 -w 1 -c 5 -t 8\n"
                        + "    the same, WARNING/CRITICAL when the reply takes over 1/5 s\n", options);
        return plugin.run(args, out, new Plugin.Check() {
            @Override
            public CheckResult run(CommandLine cmd) throws Exception {
                return check(cmd);
            }
        });
    }

    /** --source as an address literal (no name lookup: it names this host's own address). */
    public static InetAddress source(CommandLine cmd) throws UsageException {
        String source = cmd.getOptionValue("source");
        if (source == null || source.strip().equals("-")) {
            return null; // "-": the shipped command's default, the kernel's choice
        }
        if (!source.strip().matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
            throw new UsageException("bad --source '" + source + "': expected an IP address of this host");
        }
        try {
            return InetAddress.getByName(source.strip());
        } catch (java.net.UnknownHostException e) {
            throw new UsageException("bad --source '" + source + "': " + e.getMessage());
        }
    }

    private static CheckResult check(CommandLine cmd) throws Exception {
        StandardArgs std = StandardArgs.from(cmd, cmd.getOptionValue("H"), DEFAULT_PORT);
        Thresholds time = Thresholds.parse(cmd.getOptionValue("w"), cmd.getOptionValue("c"));
        String where = std.hostname() + ":" + std.port();
        TlsOptions tls = TlsOptions.from(cmd);
        ListenerClient.Exchange exchange;
        try {
            exchange = new ListenerClient().ask("ping", false, std.hostname(), std.port(), std.timeout(), tls.client(),
                    source(cmd));
        } catch (ListenerClient.Failure f) {
            return CheckResult.of(SERVICE, Status.CRITICAL, f.getMessage());
        }
        double seconds = Seconds.forPerfData(exchange.elapsed().toNanos() / 1e9);
        PingReply reply = exchange.pingReply();
        List<PerfData> heals = new ArrayList<>();
        for (PingReply.Heals command : reply.heals()) {
            heals.addAll(command.perfData());
        }
        return new CheckResult(SERVICE, List.of(
                SubCheck.of(reply.status(), reply.summary(where, "in " + Seconds.text(seconds))),
                // the response time decides the state and goes to perfdata; the summary already says it
                new SubCheck(time.evaluate(seconds), "", List.of(), List.of(Seconds.perfData(seconds, time, std.timeout()))),
                new SubCheck(Status.OK, "", List.of(), heals),
                tls.judge(exchange.certificate())));
    }
}
