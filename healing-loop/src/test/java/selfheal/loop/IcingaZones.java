package selfheal.loop;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Icinga 2 distributed, run by {@code healing-loop/stack/icinga-zones} in its own directory: a master on
 * 127.0.0.2 that only displays, a satellite zone on 127.0.0.3 that checks foo and runs its event handler, foo
 * and the listener under xinetd on 127.0.0.4. The script runs until its standard input closes, then stops
 * everything it started; so {@link #close()}, or this JVM dying, stops it.
 */
final class IcingaZones implements AutoCloseable {
    static final String HOST = "foo-host";
    static final String WORKER = "foo worker";
    private static final Duration START_LIMIT = Duration.ofSeconds(120);

    /** A service as the master's REST API shows it. */
    record Shown(int state, int stateType, int attempt, String checkSource, String output) {
        boolean is(int wanted) {
            return state == wanted;
        }
    }

    private final Path base;
    private final Path output;
    private final Process process;
    private final Map<String, String> env = new HashMap<>();
    private SSLContext masterTls;

    private IcingaZones(Path base, Path output, Process process) {
        this.base = base;
        this.output = output;
        this.process = process;
    }

    /** Starts both nodes and the worker host with these settings (the ZONES_* variables the script documents). */
    static IcingaZones start(Map<String, String> settings) throws IOException {
        Path base = Files.createTempDirectory("selfheal-zones-");
        // Icinga 2, even its CLI, runs as the nagios user and must reach the directories inside.
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = base.resolve("zones");
        Path output = base.resolve("zones.out");
        ProcessBuilder builder = new ProcessBuilder(
                PrivateStack.checkout().resolve("healing-loop/stack/icinga-zones").toString(), "run", dir.toString(),
                "--until-eof").redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(settings);
        IcingaZones zones = new IcingaZones(base, output, builder.start());
        try {
            Poll.until(START_LIMIT, "master and satellite to be ready",
                    () -> Files.exists(dir.resolve("ready")) || !zones.process.isAlive(), zones::diagnostics);
            if (!zones.process.isAlive()) {
                throw new AssertionError("icinga-zones did not start:\n" + zones.diagnostics());
            }
            for (String line : Files.readAllLines(dir.resolve("zones.env"))) {
                int eq = line.indexOf('=');
                zones.env.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return zones;
        } catch (IOException | RuntimeException | Error e) {
            zones.close();
            throw e;
        }
    }

    String env(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException("zones.env has no " + key);
        }
        return value;
    }

    List<String> lines(String fileKey) {
        Path file = Path.of(env(fileKey));
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service of foo-host as the master shows it, through its REST API (user viewer, read only). */
    Shown shownOnMaster(String service) {
        String name = URLEncoder.encode(HOST + "!" + service, StandardCharsets.UTF_8).replace("+", "%20");
        URI uri = URI.create("https://" + env("MASTER_HOST") + ":" + env("MASTER_PORT") + "/v1/objects/services/" + name
                + "?attrs=state&attrs=state_type&attrs=check_attempt&attrs=last_check_result");
        try {
            HttpsURLConnection connection = (HttpsURLConnection) uri.toURL().openConnection();
            connection.setSSLSocketFactory(masterTls().getSocketFactory());
            // The master's certificate names its endpoint, not its address: trust its CA, then require that name.
            connection.setHostnameVerifier((host, session) -> {
                try {
                    return ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName()
                            .equals("CN=master");
                } catch (SSLPeerUnverifiedException e) {
                    return false;
                }
            });
            connection.setConnectTimeout(5000);
            connection.setReadTimeout(5000);
            connection.setRequestProperty("Accept", "application/json");
            connection.setRequestProperty("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(env("MASTER_VIEWER").getBytes(StandardCharsets.UTF_8)));
            try (InputStream in = connection.getInputStream()) {
                JsonObject attrs = JsonParser.object().from(in).getArray("results").getObject(0).getObject("attrs");
                JsonObject result = attrs.getObject("last_check_result");
                return new Shown(attrs.getInt("state"), attrs.getInt("state_type"), attrs.getInt("check_attempt"),
                        result == null ? "" : result.getString("check_source", ""),
                        result == null ? "(no check result)" : result.getString("output", ""));
            }
        } catch (IOException | JsonParserException e) {
            return new Shown(-1, -1, 0, "", "(master's API: " + e + ")");
        }
    }

    private SSLContext masterTls() {
        if (masterTls == null) {
            try (InputStream pem = Files.newInputStream(Path.of(env("MASTER_CA")))) {
                Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(pem);
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                trust.setCertificateEntry("icinga-ca", ca);
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trust);
                masterTls = SSLContext.getInstance("TLS");
                masterTls.init(null, factory.getTrustManagers(), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the master's CA " + env("MASTER_CA"), e);
            }
        }
        return masterTls;
    }

    long fooPid() {
        try {
            String text = Files.readString(Path.of(env("FOO_PIDFILE"))).strip();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException e) {
            return -1;
        }
    }

    /** kill -9 of the running foo; returns its pid. */
    long killFoo() {
        long pid = fooPid();
        ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("foo (pid " + pid + ") is not running"))
                .destroyForcibly();
        return pid;
    }

    /** What a failing test should show: the master's view, both nodes' logs, the handler's and listener's. */
    String diagnostics() {
        List<String> out = new ArrayList<>();
        try {
            out.add("--- icinga-zones output");
            if (Files.exists(output)) {
                out.addAll(tail(Files.readAllLines(output), 20));
            }
            if (!env.isEmpty()) {
                out.add("--- the master shows: " + shownOnMaster(WORKER));
                out.add("--- satellite log");
                out.addAll(tail(lines("SATELLITE_LOG").stream().filter(l -> !l.contains("WorkQueue")).toList(), 20));
                out.add("--- handler log (satellite)");
                out.addAll(tail(lines("HANDLER_LOG"), 20));
                out.add("--- audit log (without ping)");
                out.addAll(tail(lines("AUDIT_LOG").stream().filter(l -> !l.contains("request=\"ping\"")).toList(), 20));
                out.add("--- plugins run on the master");
                out.addAll(lines("MASTER_PLUGINS_RUN"));
            }
        } catch (IOException | RuntimeException e) {
            out.add("(diagnostics incomplete: " + e + ")");
        }
        return String.join("\n", out);
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** Closes the script's standard input, so it stops everything it started, and removes its directory. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Left in the temp directory; nothing runs from it any more.
        }
    }
}
