package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install.sh into a DESTDIR: the layout, the installed check_worker running, and uninstall undoing it. */
class InstallIT {
    private static final Path CHECKOUT = PrivateStack.checkout();
    private static final String PREFIX = "/opt/selfheal";
    private static final String LIB = PREFIX + "/lib/selfheal";

    @Test
    void installsTheLayoutAndTheInstalledPluginsRunAndUninstallRemovesExactlyWhatItInstalled(@TempDir Path dest)
            throws Exception {
        Path services = dest.resolve("etc/services");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "ssh\t\t22/tcp\n");

        Run install = run(List.of(CHECKOUT.resolve("install.sh").toString(), "DESTDIR=" + dest, "PREFIX=" + PREFIX));
        assertEquals(0, install.exit(), install.output());

        for (String file : List.of(LIB + "/check-worker.jar", LIB + "/command-listener.jar", LIB + "/launch.sh",
                "/etc/nagios4/conf.d/selfheal-commands.cfg", "/etc/nagios4/conf.d/selfheal-templates.cfg",
                "/etc/xinetd.d/selfheal", "/etc/selfheal/listener.properties",
                PREFIX + "/share/selfheal/icinga2/selfheal.conf", PREFIX + "/share/selfheal/nagios/selfheal-foo.cfg",
                PREFIX + "/share/selfheal/services.fragment", PREFIX + "/share/selfheal/sudoers.example",
                PREFIX + "/share/selfheal/xinetd.d/selfheal-resident", LIB + "/install.manifest")) {
            assertTrue(Files.isRegularFile(dest.resolve(file.substring(1))), file + " not installed");
        }
        for (String program : List.of("check_worker", "check_listener", "check-service", "check-service-client",
                "command-listener", "selfheal-event-handler", "make-archives", "uninstall")) {
            assertEquals("rwxr-xr-x", mode(dest, LIB + "/" + program), program);
        }
        assertEquals("rw-r-----", mode(dest, "/etc/selfheal/listener.properties"));
        for (String plugin : List.of("check_worker", "check_listener", "selfheal-event-handler")) {
            Path link = dest.resolve("usr/lib/nagios/plugins/" + plugin);
            assertTrue(Files.isSymbolicLink(link), plugin + " is not linked into the plugin directory");
            assertEquals(dest.resolve(LIB.substring(1) + "/" + plugin).toRealPath(), link.toRealPath(),
                    "the plugin link resolves, relative, to the installed program");
        }
        String xinetd = Files.readString(dest.resolve("etc/xinetd.d/selfheal"));
        assertTrue(xinetd.contains("server          = " + LIB + "/command-listener\n"), xinetd);
        assertTrue(xinetd.contains("--config /etc/selfheal/listener.properties"), xinetd);
        String resident = Files.readString(
                dest.resolve(PREFIX.substring(1) + "/share/selfheal/xinetd.d/selfheal-resident"));
        assertTrue(resident.contains("server          = " + LIB + "/command-listener\n"), resident);
        String checks = Files.readString(
                dest.resolve(PREFIX.substring(1) + "/share/selfheal/systemd/selfheal-checks.service"));
        assertTrue(checks.contains("ExecStart=" + LIB + "/check-service --state-file"), checks);
        assertTrue(Files.readString(services).matches("ssh\t\t22/tcp\nselfheal\\s+5669/tcp.*\n"),
                Files.readString(services));

        // The installed plugin, run through Nagios' link with a bare environment, checks a real endpoint.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            byte[] body = "{\"status\":\"pass\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/health+json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Run check = run(List.of(dest.resolve("usr/lib/nagios/plugins/check_worker").toString(),
                    "-H", "127.0.0.1", "-p", String.valueOf(server.getAddress().getPort())));
            assertEquals(0, check.exit(), check.output());
            assertTrue(check.output().startsWith("WORKER OK - "), check.output());
        } finally {
            server.stop(0);
        }
        Run help = run(List.of(dest.resolve(LIB.substring(1) + "/command-listener").toString(), "--help"));
        assertEquals(0, help.exit(), help.output());
        assertTrue(help.output().startsWith("usage: command-listener "), "the installed listener runs: " + help.output());

        // Under a DESTDIR the archives are left for later (a staged path would not match at run time);
        // made later, beside the installed jars, uninstall must remove them too.
        assertTrue(install.output().contains(LIB + "/make-archives " + LIB + "/check-worker.jar"), install.output());
        Run archives = run(List.of(dest.resolve(LIB.substring(1) + "/make-archives").toString(), "--quiet",
                dest.resolve(LIB.substring(1) + "/check-worker.jar").toString()));
        assertEquals(0, archives.exit(), archives.output());
        try (Stream<Path> files = Files.list(dest.resolve(LIB.substring(1)))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".jsa")), "no archive was made");
        }

        Run uninstall = run(List.of(dest.resolve(LIB.substring(1) + "/uninstall").toString(), "DESTDIR=" + dest));
        assertEquals(0, uninstall.exit(), uninstall.output());
        assertEquals("ssh\t\t22/tcp\n", Files.readString(services), "the services line is removed again");
        List<String> left = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dest)) {
            files.filter(p -> !Files.isDirectory(p)).forEach(p -> left.add("/" + dest.relativize(p)));
        }
        assertEquals(List.of("/etc/selfheal/listener.properties", "/etc/services"), left.stream().sorted().toList(),
                "only the operator's whitelist and the services file remain");
        assertFalse(Files.exists(dest.resolve(LIB.substring(1))), "the library directory is removed");
    }

    @Test
    void aRelativePathIsRefusedBeforeAnythingIsWritten(@TempDir Path dest) throws Exception {
        Run install = run(List.of(CHECKOUT.resolve("install.sh").toString(), "DESTDIR=" + dest, "PREFIX=opt"));
        assertEquals(1, install.exit(), install.output());
        assertTrue(install.output().contains("paths must be absolute, got 'opt'"), install.output());
        try (Stream<Path> files = Files.list(dest)) {
            assertEquals(0, files.count());
        }
    }

    private static String mode(Path dest, String file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve(file.substring(1))));
    }

    private static Run run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + output);
        }
        return new Run(process.exitValue(), output);
    }

    private record Run(int exit, String output) {
    }
}
