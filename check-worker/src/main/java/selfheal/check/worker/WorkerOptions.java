package selfheal.check.worker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import selfheal.plugin.Characters;
import selfheal.plugin.StandardArgs;
import selfheal.plugin.Status;
import selfheal.plugin.Thresholds;
import selfheal.plugin.UsageException;

/** check_worker's validated, immutable configuration. */
record WorkerOptions(
        StandardArgs standard,
        Endpoint endpoint,
        Path caFile,
        Path clientCert,
        Path clientKey,
        List<Map.Entry<String, String>> headers,
        Set<Integer> expect,
        String string,
        BodyRegex regex,
        Thresholds time,
        Format format,
        List<ValueCheck> values,
        List<StaleCheck> stale,
        Status timeoutResult,
        Status onRedirect,
        boolean follow,
        CertificateDays certificateDays) {

    /** -C: WARNING when the server's certificate has {@code warn} days left or fewer, CRITICAL at {@code crit}. */
    record CertificateDays(int warn, int crit) {
        static CertificateDays parse(String text) throws UsageException {
            String[] parts = text.split(",", -1);
            try {
                int warn = Integer.parseInt(parts[0].trim());
                int crit = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : 0;
                if (parts.length <= 2 && warn >= 0 && crit >= 0) {
                    return new CertificateDays(warn, crit);
                }
            } catch (NumberFormatException e) {
                // falls through to the usage error
            }
            throw new UsageException("bad --certificate '" + text + "': expected WARN_DAYS[,CRIT_DAYS]");
        }
    }

    static Options options() {
        Options o = StandardArgs.addTo(new Options(), "virtual host: Host header, TLS server name and the name its"
                + " certificate must carry; also the address to connect to unless -I (required, unless -I)",
                "port (default 80, or 443 with -S)");
        o.addOption(Option.builder("I").longOpt("IP-address").hasArg().argName("ADDRESS").desc("address or name to connect to, -H being the virtual host").build());
        o.addOption("4", "use-ipv4", false, "connect over IPv4 only");
        o.addOption("6", "use-ipv6", false, "connect over IPv6 only");
        o.addOption(Option.builder("u").longOpt("url").hasArg().argName("PATH").desc("path and query to GET (default /health)").build());
        o.addOption("S", "ssl", false, "use https (TLS with SNI, the JDK trust store unless --ca-file)");
        o.addOption(Option.builder().longOpt("ca-file").hasArg().argName("PEM").desc("trust only the CA certificates in this PEM file").build());
        o.addOption(Option.builder("J").longOpt("client-cert").hasArg().argName("PEM").desc("client certificate (and its chain) for an endpoint that asks for one; with -K; implies -S").build());
        o.addOption(Option.builder("K").longOpt("private-key").hasArg().argName("PEM").desc("the client certificate's key: unencrypted PKCS#8 (BEGIN PRIVATE KEY)").build());
        o.addOption(Option.builder("a").longOpt("authorization").hasArg().argName("USER:PASSWORD").desc("HTTP basic authentication").build());
        o.addOption(Option.builder("k").longOpt("header").hasArg().argName("'Name: value'").desc("extra request header (repeatable)").build());
        o.addOption(Option.builder("e").longOpt("expect").hasArg().argName("CODES").desc("accepted HTTP status codes, comma-separated, e.g. 200,204; any other is CRITICAL (default: the format decides)").build());
        o.addOption(Option.builder("s").longOpt("string").hasArg().argName("TEXT").desc("the body must contain TEXT, else CRITICAL").build());
        o.addOption(Option.builder("r").longOpt("regex").hasArg().argName("REGEX").desc("the body must match REGEX (Java syntax, find), else CRITICAL").build());
        o.addOption(Option.builder("w").longOpt("warning").hasArg().argName("RANGE").desc("response time range in seconds for WARNING").build());
        o.addOption(Option.builder("c").longOpt("critical").hasArg().argName("RANGE").desc("response time range in seconds for CRITICAL").build());
        o.addOption(Option.builder().longOpt("format").hasArg().argName("FORMAT").desc(Format.names() + " (default auto: detected from content type and shape)").build());
        o.addOption(Option.builder().longOpt("value").hasArg().argName("POINTER[,label=L][,warn=R][,crit=R][,uom=U]").desc("a number in the JSON body (RFC 6901 pointer) checked against ranges and emitted as perfdata (repeatable)").build());
        o.addOption(Option.builder().longOpt("stale").hasArg().argName("CHECK|POINTER[,warn=R][,crit=R][,label=L]").desc("heartbeat age in seconds from a health+json check's time (e.g. worker:heartbeat) or a pointer to seconds or a timestamp (repeatable)").build());
        o.addOption(Option.builder("f").longOpt("onredirect").hasArg().argName("ok|warning|critical|follow").desc("state for a redirect (3xx with a Location), or follow it (up to " + HttpProbe.MAX_REDIRECTS + "); default: the format decides").build());
        o.addOption(Option.builder("C").longOpt("certificate").hasArg().argName("WARN_DAYS[,CRIT_DAYS]").desc("WARNING/CRITICAL when the server's certificate has this many days left or fewer; implies -S; the document is still checked").build());
        o.addOption(Option.builder().longOpt("timeout-result").hasArg().argName("STATE").desc("state on timeout: ok|warning|critical|unknown (default critical)").build());
        return o;
    }

    static WorkerOptions from(CommandLine cmd) throws UsageException {
        boolean ssl = cmd.hasOption("S") || cmd.hasOption("ca-file") || cmd.hasOption("C") || cmd.hasOption("J");
        if (cmd.hasOption("J") != cmd.hasOption("K")) {
            throw new UsageException("-J/--client-cert and -K/--private-key go together");
        }
        StandardArgs standard = StandardArgs.from(cmd, cmd.hasOption("H") ? cmd.getOptionValue("H") : cmd.getOptionValue("I"),
                ssl ? 443 : 80);
        if (cmd.hasOption("4") && cmd.hasOption("6")) {
            throw new UsageException("-4 and -6 exclude each other");
        }
        Endpoint endpoint = Endpoint.parse(ssl, standard.hostname(), standard.port(), StandardArgs.valueOr(cmd, "u", "/health"))
                .via(cmd.getOptionValue("I"), cmd.hasOption("4") ? java.net.StandardProtocolFamily.INET
                        : cmd.hasOption("6") ? java.net.StandardProtocolFamily.INET6 : null);
        String redirect = cmd.getOptionValue("f");
        boolean follow = "follow".equalsIgnoreCase(redirect);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String h : values(cmd, "k")) {
            int colon = h.indexOf(':');
            if (colon <= 0 || Characters.anyControlOr(h, "") || !isToken(h.substring(0, colon).trim())) {
                throw new UsageException("bad --header '" + h + "': expected 'Name: value'");
            }
            String name = h.substring(0, colon).trim();
            for (String framing : FRAMING_HEADERS) {
                if (framing.equalsIgnoreCase(name)) {
                    throw new UsageException("bad --header '" + h + "': check_worker sets " + framing + " itself");
                }
            }
            headers.add(Map.entry(name, h.substring(colon + 1).trim()));
        }
        if (cmd.hasOption("a")) {
            String auth = cmd.getOptionValue("a");
            if (!auth.contains(":")) {
                throw new UsageException("bad --authorization: expected USER:PASSWORD");
            }
            headers.add(Map.entry("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8))));
        }
        Set<Integer> expect = new LinkedHashSet<>();
        if (cmd.hasOption("e")) {
            for (String code : cmd.getOptionValue("e").split(",")) {
                if (!isStatusCode(code.trim())) {
                    throw new UsageException("bad --expect '" + cmd.getOptionValue("e") + "': expected HTTP codes like 200,204");
                }
                expect.add(Integer.parseInt(code.trim()));
            }
        }
        BodyRegex regex = cmd.hasOption("r") ? BodyRegex.parse(cmd.getOptionValue("r")) : null;
        List<ValueCheck> valueChecks = new ArrayList<>();
        for (String v : values(cmd, "value")) {
            valueChecks.add(ValueCheck.parse(v));
        }
        List<StaleCheck> staleChecks = new ArrayList<>();
        for (String v : values(cmd, "stale")) {
            staleChecks.add(StaleCheck.parse(v));
        }
        return new WorkerOptions(standard, endpoint,
                cmd.hasOption("ca-file") ? Path.of(cmd.getOptionValue("ca-file")) : null,
                cmd.hasOption("J") ? Path.of(cmd.getOptionValue("J")) : null,
                cmd.hasOption("K") ? Path.of(cmd.getOptionValue("K")) : null,
                List.copyOf(headers), Set.copyOf(expect), cmd.getOptionValue("s"), regex,
                Thresholds.parse(cmd.getOptionValue("w"), cmd.getOptionValue("c")),
                cmd.hasOption("format") ? Format.parse(cmd.getOptionValue("format")) : Format.AUTO,
                List.copyOf(valueChecks), List.copyOf(staleChecks),
                cmd.hasOption("timeout-result") ? Status.parse("--timeout-result", cmd.getOptionValue("timeout-result")) : Status.CRITICAL,
                redirect == null || follow ? null : Status.parse("--onredirect", redirect),
                follow,
                cmd.hasOption("C") ? CertificateDays.parse(cmd.getOptionValue("C")) : null);
    }

    /** Request headers that frame the exchange: a -k value for one would break the request. */
    private static final String[] FRAMING_HEADERS = {"Connection", "Content-Length", "Transfer-Encoding", "TE",
        "Trailer", "Upgrade", "Keep-Alive", "Expect"};

    /** An RFC 9110 token. */
    private static boolean isToken(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+.^_`|~-".indexOf(c) >= 0)) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static boolean isStatusCode(String code) {
        return code.length() == 3 && code.charAt(0) >= '1' && code.charAt(0) <= '5'
                && code.charAt(1) >= '0' && code.charAt(1) <= '9' && code.charAt(2) >= '0' && code.charAt(2) <= '9';
    }

    private static String[] values(CommandLine cmd, String option) {
        String[] v = cmd.getOptionValues(option);
        return v == null ? new String[0] : v;
    }
}
