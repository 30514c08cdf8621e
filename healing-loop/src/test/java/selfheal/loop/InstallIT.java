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
    void eachRoleInstallsItsOwnPartsAndAReRunKeepsWhatTheOperatorEdited(@TempDir Path dest) throws Exception {
        Path services = dest.resolve("etc/services");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "ssh\t\t22/tcp\n");
        List<String> listener = List.of(CHECKOUT.resolve("install.sh").toString(), "listener", "DESTDIR=" + dest,
                "PREFIX=" + PREFIX);
        Run first = run(listener);
        assertEquals(0, first.exit(), first.output());
        for (String file : List.of(LIB + "/command-listener", LIB + "/check-worker.jar", "/etc/xinetd.d/selfheal",
                "/etc/selfheal/listener.properties", PREFIX + "/share/selfheal/systemd/selfheal-watch.service")) {
            assertTrue(Files.exists(dest.resolve(file.substring(1))), file + " not installed on a worker host");
        }
        for (String file : List.of("/usr/lib/nagios/plugins/check_worker", "/etc/nagios4/conf.d/selfheal-templates.cfg",
                LIB + "/selfheal-event-handler", PREFIX + "/share/selfheal/systemd/selfheal-checks.service")) {
            assertFalse(Files.exists(dest.resolve(file.substring(1))), file + " is the monitoring server's, not a worker host's");
        }
        // The operator narrows only_from; a second run (an upgrade) must not undo it, nor forget its services line.
        Path xinetd = dest.resolve("etc/xinetd.d/selfheal");
        String edited = Files.readString(xinetd).replaceFirst("(?m)^(\\s*only_from\\s*=).*$", "$1 198.51.100.7");
        assertTrue(edited.contains("198.51.100.7"), edited);
        Files.writeString(xinetd, edited);
        Run again = run(listener);
        assertEquals(0, again.exit(), again.output());
        assertEquals(edited, Files.readString(xinetd), "the edited service file is kept");
        assertTrue(Files.exists(dest.resolve("etc/xinetd.d/selfheal.selfheal-new")), again.output());
        assertTrue(again.output().contains("/etc/xinetd.d/selfheal was edited: kept"), again.output());
        assertTrue(Files.readString(services).matches("ssh\t\t22/tcp\nselfheal\\s+5669/tcp.*\n"), Files.readString(services));
        Run uninstall = run(List.of(dest.resolve(LIB.substring(1) + "/uninstall").toString(), "DESTDIR=" + dest));
        assertEquals(0, uninstall.exit(), uninstall.output());
        assertEquals("ssh\t\t22/tcp\n", Files.readString(services), "the line added by the first run is removed");
        assertEquals(edited, Files.readString(xinetd), "an edited file is the operator's: kept");
        assertTrue(uninstall.output().contains("kept /etc/xinetd.d/selfheal: you edited it"), uninstall.output());
        assertFalse(Files.exists(dest.resolve("etc/xinetd.d/selfheal.selfheal-new")), uninstall.output());
    }

    @Test
    void thePluginsRoleLeavesNagiosValidAfterUninstallWhileObjectsStillUseItsTemplates(@TempDir Path dest,
            @TempDir Path nagios) throws Exception {
        Run install = run(List.of(CHECKOUT.resolve("install.sh").toString(), "plugins", "DESTDIR=" + dest, "PREFIX=" + PREFIX));
        assertEquals(0, install.exit(), install.output());
        assertFalse(Files.exists(dest.resolve("etc/xinetd.d/selfheal")), "no listener on the monitoring server");
        assertFalse(Files.exists(dest.resolve("etc/selfheal/listener.properties")), "no listener on the monitoring server");
        assertFalse(Files.exists(dest.resolve(LIB.substring(1) + "/command-listener")), install.output());
        Path confd = dest.resolve("etc/nagios4/conf.d");
        // The operator's own services, made from the shipped example.
        Files.copy(dest.resolve(PREFIX.substring(1) + "/share/selfheal/nagios/selfheal-foo.cfg"), confd.resolve("foo.cfg"));
        run(List.of("chmod", "-R", "a+rX", dest.toString())); // Nagios reads its objects as the nagios user
        NagiosVerify.Result before = NagiosVerify.run(nagios, confd);
        assertEquals(0, before.exit(), before.output());
        Run uninstall = run(List.of(dest.resolve(LIB.substring(1) + "/uninstall").toString(), "DESTDIR=" + dest));
        assertEquals(0, uninstall.exit(), uninstall.output());
        assertTrue(uninstall.output().contains("kept /etc/nagios4/conf.d/selfheal-templates.cfg: Nagios objects still use it: "
                + "/etc/nagios4/conf.d/foo.cfg"), uninstall.output());
        NagiosVerify.Result after = NagiosVerify.run(nagios, confd);
        assertEquals(0, after.exit(), "Nagios must still validate after uninstall:\n" + after.output());
        assertFalse(Files.exists(dest.resolve("usr/lib/nagios/plugins/check_worker")), uninstall.output());
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
