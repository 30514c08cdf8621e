package selfheal.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One worker host of a fleet on its own loopback address: the demo worker foo installed as its package would
 * be (scripts, launcher, jar, foo.conf) and bound to that address, and a listener configuration as a package
 * leaves it: a main file with the host's own settings only, and each worker's commands and watch in its own
 * drop-in in workers.d (foo.properties, and bar.properties for a second worker, bar, whose status is read
 * from foo's endpoint and whose heal changes nothing). The listener itself is served by xinetd
 * ({@link #xinetdService}). {@link #close()} stops foo and whatever else runs from this host's directory.
 */
final class FleetHost implements AutoCloseable {
    final String address;
    final Path dir;
    final Path config;
    final Path workers;
    final Path audit;
    final Path fooHome;
    final int fooPort;
    final int listenerPort;

    private FleetHost(String address, Path dir, int fooPort, int listenerPort) {
        this.address = address;
        this.dir = dir;
        this.config = dir.resolve("listener/listener.properties");
        this.workers = dir.resolve("listener/workers.d");
        this.audit = dir.resolve("listener/audit.log");
        this.fooHome = dir.resolve("foo/home");
        this.fooPort = fooPort;
        this.listenerPort = listenerPort;
    }

    /**
     * foo running on {@code address}; the listener configured, over mutual TLS if {@code tls} (the directory
     * scripts/selfheal-certs wrote: this host's server certificate is made here) is not null.
     */
    static FleetHost start(String address, Path tls) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("selfheal-fleet-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int fooPort = freePort(address);
        int listenerPort = freePort(address);
        while (listenerPort == fooPort) {
            listenerPort = freePort(address);
        }
        FleetHost host = new FleetHost(address, dir, fooPort, listenerPort);
        try {
            host.install(tls);
            String started = host.run(dir.resolve("foo/bin/start.sh").toString());
            if (!started.contains("foo started")) {
                throw new AssertionError("foo did not start on " + address + ": " + started);
            }
            return host;
        } catch (IOException | RuntimeException | Error e) {
            host.close();
            throw e;
        }
    }

    private void install(Path tls) throws IOException, InterruptedException {
        Path checkout = PrivateStack.checkout();
        Path bin = dir.resolve("foo/bin");
        Files.createDirectories(bin);
        Files.createDirectories(fooHome);
        Files.createDirectories(dir.resolve("listener/state"));
        Files.createDirectories(workers);
        for (String script : List.of("start.sh", "stop.sh", "restart.sh", "common.sh")) {
            Files.copy(checkout.resolve("demo-worker/scripts/" + script), bin.resolve(script));
        }
        Files.copy(checkout.resolve("demo-worker/bin/foo"), bin.resolve("foo"));
        Files.copy(checkout.resolve("launcher/launch.sh"), bin.resolve("launch.sh"));
        for (String program : List.of("start.sh", "stop.sh", "restart.sh", "foo", "launch.sh")) {
            Files.setPosixFilePermissions(bin.resolve(program), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createSymbolicLink(bin.resolve("demo-worker.jar"), checkout.resolve("demo-worker/target/demo-worker.jar"));
        for (Path d : List.of(dir.resolve("foo"), bin, dir.resolve("listener"), workers)) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(dir.resolve("listener/state"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(bin.resolve("foo.conf"), String.join("\n",
                "FOO_HOME=" + fooHome, "FOO_PORT=" + fooPort, "FOO_BIND=" + address,
                "FOO_OPTS=--heartbeat-warn 2 --heartbeat-fail 3", "FOO_START_TIMEOUT=30", "FOO_STOP_GRACE=3", ""));
        // The host's own settings; the workers come from the drop-ins.
        StringBuilder main = new StringBuilder()
                .append("allow = 127.0.0.0/8\n")
                .append("state.dir = ").append(dir.resolve("listener/state")).append('\n')
                .append("audit.log = ").append(audit).append('\n')
                .append("handler.timeout = 25\n");
        if (tls != null) {
            run(PrivateStack.checkout().resolve("scripts/selfheal-certs").toString(), "-d", tls.toString(), "server",
                    address, address);
            main.append("tls.cert = ").append(tls.resolve("server/" + address + ".crt")).append('\n')
                    .append("tls.key = ").append(tls.resolve("server/" + address + ".key")).append('\n')
                    .append("tls.client-ca = ").append(tls.resolve("ca.crt")).append('\n')
                    .append("clients = nagios-server\n");
        }
        write(config, main.toString());
        dropIn("foo", String.join("\n",
                "# foo, as its package drops it",
                "command.foo-restart = " + bin.resolve("restart.sh"),
                "command.foo-restart.timeout = 15",
                "command.foo-restart.settle = 2",
                "command.foo-restart.budget = 3/15m",
                "command.foo-stop = " + bin.resolve("stop.sh"),
                "command.foo-stop.timeout = 15",
                "command.foo-start = " + bin.resolve("start.sh"),
                "command.foo-start.timeout = 30",
                "watch.foo.url = http://" + address + ":" + fooPort + "/health",
                "watch.foo.heal = foo-restart", ""));
        dropIn("bar", String.join("\n",
                "command.bar-restart = /bin/true",
                "watch.bar.url = http://" + address + ":" + fooPort + "/health",
                "watch.bar.heal = bar-restart", ""));
    }

    Path dropIn(String worker, String text) throws IOException {
        Path file = workers.resolve(worker + ".properties");
        write(file, text);
        return file;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** This host's listener as a service of a private xinetd: one process per connection, bound here. */
    String xinetdService(String name) {
        return "service " + name + "\n{\n"
                + "    type            = UNLISTED\n"
                + "    port            = " + listenerPort + "\n"
                + "    bind            = " + address + "\n"
                + "    socket_type     = stream\n"
                + "    protocol        = tcp\n"
                + "    user            = root\n"
                + "    wait            = no\n"
                + "    only_from       = 127.0.0.0/8\n"
                + "    instances       = 10\n"
                + "    server          = " + PrivateStack.checkout().resolve("command-listener/bin/command-listener")
                + "\n"
                + "    server_args     = --config " + config + "\n"
                + "    passenv         =\n"
                + "    umask           = 077\n"
                + "    disable         = no\n"
                + "}\n";
    }

    /** {@code --check-config} of this host's listener, as its operator runs it. */
    String checkConfig() throws IOException, InterruptedException {
        return run(PrivateStack.checkout().resolve("command-listener/bin/command-listener").toString(),
                "--check-config", config.toString());
    }

    long fooPid() {
        try {
            Path pidfile = fooHome.resolve("foo.pid");
            String text = Files.exists(pidfile) ? Files.readString(pidfile).strip() : "";
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9 of foo; returns the pid killed. */
    long killFoo() {
        long pid = fooPid();
        ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("foo is not running on " + address))
                .destroyForcibly();
        return pid;
    }

    /** Whether foo, a new one if {@code not} is its old pid, answers its status endpoint with HTTP 200. */
    boolean answersOk(long not) {
        long pid = fooPid();
        if (pid <= 0 || pid == not || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(address, fooPort), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("GET /health HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    List<String> auditLines() {
        try {
            return Files.exists(audit) ? Files.readAllLines(audit, StandardCharsets.US_ASCII) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a program to its end (at most 60 s), returning its output and errors. */
    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within 60 s:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return out;
    }

    static int freePort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        // foo, whichever started it, and any script still running: everything that names this directory
        try {
            for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
                if (p.info().commandLine().orElse("").contains(dir.toString())) {
                    p.destroyForcibly();
                }
            }
        } catch (RuntimeException e) {
            // best effort: the processes may have gone meanwhile
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
