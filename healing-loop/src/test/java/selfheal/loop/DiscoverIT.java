package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Discovery across a fleet of two worker hosts on loopback, 127.0.0.2 (plaintext) and 127.0.0.3 (mutual TLS,
 * keys from scripts/selfheal-certs), each with foo running on its own address and its workers in its own
 * drop-ins, each listener served by a private xinetd. selfheal-discover (the real launcher) asks both and
 * writes objects that a private Nagios 4 loads; Nagios then heals foo killed with -9 on each host, through
 * that host's listener. A second run changes nothing; a worker whose drop-in is removed disappears. The
 * Icinga 2 objects pass Icinga 2's own check, and objects it refuses replace nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiscoverIT {
    private static final Duration HEAL_LIMIT = Duration.ofSeconds(60);

    private Path dir;
    private Path tls;
    private FleetHost plain;
    private FleetHost secure;
    private Process xinetd;
    private Process nagios;
    private Path plainObjects;
    private Path tlsObjects;
    private Path nagiosCfg;
    private Path statusFile;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("selfheal-discover-it-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        tls = dir.resolve("tls");
        String certs = PrivateStack.checkout().resolve("scripts/selfheal-certs").toString();
        FleetHost.run(certs, "-d", tls.toString(), "ca");
        FleetHost.run(certs, "-d", tls.toString(), "client", "nagios-server");
        FleetHost.run("chown", "nagios:nagios", tls.resolve("client/nagios-server.key").toString());
        plain = FleetHost.start("127.0.0.2", null);
        secure = FleetHost.start("127.0.0.3", tls);
        startXinetd();
        writeNagiosConfig();
    }

    private void startXinetd() throws IOException {
        Path conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, plain.xinetdService("selfheal-a") + secure.xinetdService("selfheal-b"));
        Path log = dir.resolve("xinetd.log");
        xinetd = new ProcessBuilder("/usr/sbin/xinetd", "-dontfork", "-f", conf.toString(), "-pidfile",
                dir.resolve("xinetd.pid").toString(), "-filelog", log.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("xinetd.out").toFile()).start();
        Poll.until(Duration.ofSeconds(10), "xinetd to serve both listeners",
                () -> read(log).contains("Started working: 2 available services"), () -> read(log));
    }

    /** Nagios' main file: the shipped selfheal objects, a stand-in for the site's, and discover's two dirs. */
    private void writeNagiosConfig() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path var = Files.createDirectories(dir.resolve("var"));
        Files.createDirectories(var.resolve("rw"));
        Files.createDirectories(var.resolve("checkresults"));
        plainObjects = Files.createDirectories(dir.resolve("objects-plain"));
        tlsObjects = Files.createDirectories(dir.resolve("objects-tls"));
        Path checkout = PrivateStack.checkout();
        Files.createSymbolicLink(plugins.resolve("check_worker"), checkout.resolve("check-worker/bin/check_worker"));
        Files.createSymbolicLink(plugins.resolve("check_listener"), checkout.resolve("check-worker/bin/check_listener"));
        Files.createSymbolicLink(plugins.resolve("selfheal-event-handler"),
                checkout.resolve("nagios-config/selfheal-event-handler"));
        Files.createSymbolicLink(plugins.resolve("check_dummy"), Path.of("/usr/lib/nagios/plugins/check_dummy"));
        Files.writeString(etc.resolve("resource.cfg"), "$USER1$=" + plugins + "\n");
        Path healLog = var.resolve("selfheal-heal.log");
        Files.writeString(healLog, "");
        // The site's own objects: 24x7, a contact never notified, the sample templates discover's files use by
        // default (linux-server, generic-service), and faster ones for the test placed before the shipped ones.
        Files.writeString(etc.resolve("site.cfg"), String.join("\n",
                "define timeperiod {", "    timeperiod_name 24x7", "    alias always",
                "    sunday 00:00-24:00", "    monday 00:00-24:00", "    tuesday 00:00-24:00",
                "    wednesday 00:00-24:00", "    thursday 00:00-24:00", "    friday 00:00-24:00",
                "    saturday 00:00-24:00", "}",
                "define command {", "    command_name fleet-notify-nobody", "    command_line /bin/true", "}",
                "define command {", "    command_name fleet-host-up", "    command_line $USER1$/check_dummy 0 up", "}",
                "define contact {", "    contact_name nobody", "    alias nobody",
                "    host_notifications_enabled 0", "    service_notifications_enabled 0",
                "    host_notification_period 24x7", "    service_notification_period 24x7",
                "    host_notification_options n", "    service_notification_options n",
                "    host_notification_commands fleet-notify-nobody",
                "    service_notification_commands fleet-notify-nobody", "}",
                "define contactgroup {", "    contactgroup_name admins", "    alias nobody at all",
                "    members nobody", "}",
                "define host {", "    name linux-server", "    register 0", "    check_command fleet-host-up",
                "    max_check_attempts 1", "    check_interval 60", "    check_period 24x7",
                "    notification_period 24x7", "    contact_groups admins", "    notifications_enabled 0", "}",
                "define service {", "    name generic-service", "    register 0", "    check_period 24x7",
                "    notification_period 24x7", "    contact_groups admins", "    notifications_enabled 0",
                "    flap_detection_enabled 0", "}",
                "define service {", "    name fleet-worker", "    register 0", "    check_interval 2",
                "    retry_interval 2", "    max_check_attempts 4", "    _HEAL_LOG " + healLog, "}",
                "define service {", "    name fleet-listener", "    register 0", "    check_interval 10",
                "    retry_interval 5", "}", ""));
        Path config = checkout.resolve("nagios-config/nagios");
        List<String> main = new ArrayList<>(List.of(
                "cfg_file=" + etc.resolve("site.cfg"),
                "cfg_file=" + config.resolve("selfheal-commands.cfg"),
                "cfg_file=" + config.resolve("selfheal-templates.cfg"),
                "cfg_dir=" + plainObjects,
                "cfg_dir=" + tlsObjects,
                "resource_file=" + etc.resolve("resource.cfg")));
        for (String[] path : new String[][] {{"log_file", "nagios.log"}, {"object_cache_file", "objects.cache"},
                {"precached_object_file", "objects.precache"}, {"status_file", "status.dat"},
                {"command_file", "rw/nagios.cmd"}, {"query_socket", "rw/nagios.qh"}, {"lock_file", "nagios.lock"},
                {"temp_file", "nagios.tmp"}, {"temp_path", ""}, {"check_result_path", "checkresults"},
                {"state_retention_file", "retention.dat"}, {"debug_file", "nagios.debug"}}) {
            main.add(path[0] + "=" + var.resolve(path[1]));
        }
        // the speed settings of healing-loop/stack/stack, explained in healing-loop/README.md
        main.addAll(List.of("retain_state_information=0", "debug_level=0", "nagios_user=nagios",
                "nagios_group=nagios", "use_syslog=0", "check_for_updates=0", "bare_update_check=1",
                "log_event_handlers=1", "enable_notifications=0", "enable_event_handlers=1",
                "enable_flap_detection=0", "check_external_commands=1", "interval_length=1",
                "check_result_reaper_frequency=1", "status_update_interval=1",
                "service_inter_check_delay_method=n", "host_inter_check_delay_method=n",
                "max_service_check_spread=1", "max_host_check_spread=1", "service_check_timeout=20",
                "event_handler_timeout=30", "illegal_macro_output_chars=`~$&|'\"<>"));
        nagiosCfg = etc.resolve("nagios.cfg");
        Files.write(nagiosCfg, main, StandardCharsets.UTF_8);
        statusFile = var.resolve("status.dat");
        for (Path d : List.of(etc, plugins, plainObjects, tlsObjects)) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        FleetHost.run("chown", "-R", "nagios:nagios", var.toString());
    }

    @AfterAll
    void stop() {
        // Nagios first (no more handlers), then xinetd (no more listeners), then the hosts and their foo.
        for (Process p : new Process[] {nagios, xinetd}) {
            if (p != null) {
                p.destroy();
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (FleetHost host : new FleetHost[] {plain, secure}) {
            if (host != null) {
                host.close();
            }
        }
        if (dir != null) {
            try {
                FleetHost.run("rm", "-rf", dir.toString());
            } catch (IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }

    record Run(int exit, String output) {
    }

    /** selfheal-discover through its launcher, as the monitoring server's operator runs it. */
    private Run discover(boolean overTls, FleetHost host) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                PrivateStack.checkout().resolve("check-worker/bin/selfheal-discover").toString(),
                "-o", (overTls ? tlsObjects : plainObjects).toString(), "--nagios-cfg", nagiosCfg.toString(),
                "--worker-template", "fleet-worker,selfheal-worker-service,generic-service",
                "--listener-template", "fleet-listener,selfheal-listener-service,generic-service",
                "-t", "20"));
        if (overTls) {
            command.addAll(List.of("--client-cert", tls.resolve("client/nagios-server.crt").toString(),
                    "--client-key", tls.resolve("client/nagios-server.key").toString(),
                    "--ca-file", tls.resolve("ca.crt").toString()));
        }
        command.add(host.address + ":" + host.listenerPort);
        return run(command);
    }

    private Path fileOf(boolean overTls, FleetHost host) {
        return (overTls ? tlsObjects : plainObjects).resolve(host.address + ".cfg");
    }

    @Test
    @Order(1)
    void discoverWritesObjectsForEachHostsDropInsThatNagiosAccepts() throws Exception {
        Run first = discover(false, plain);
        assertEquals(0, first.exit(), first.output());
        assertTrue(first.output().startsWith(plain.address + ":" + plain.listenerPort + ": new host: added bar, foo\n"),
                first.output());
        Run overTls = discover(true, secure);
        assertEquals(0, overTls.exit(), overTls.output());
        assertTrue(overTls.output().startsWith(secure.address + ":" + secure.listenerPort
                + ": new host: added bar, foo\n"), overTls.output());

        String objects = Files.readString(fileOf(false, plain));
        assertTrue(objects.contains("    _WORKER_PORT            " + plain.fooPort + "\n"), objects);
        assertFalse(objects.contains(plain.dir.toString()), "no script path of the host in its objects:\n" + objects);
        String tlsFile = Files.readString(fileOf(true, secure));
        assertTrue(tlsFile.contains("    _TLS_CERT               " + tls.resolve("client/nagios-server.crt")), tlsFile);

        NagiosVerify.Result verify = NagiosVerify.execute(List.of("/usr/sbin/nagios4", "-v", nagiosCfg.toString()));
        assertEquals(0, verify.exit(), verify.output());
        assertTrue(verify.output().contains("Total Errors:   0"), verify.output());
        assertTrue(secure.auditLines().stream().anyMatch(l -> l.contains(" client=nagios-server request=\"describe\""
                + " decision=ok")), "describe came over TLS with the client's certificate:\n"
                + String.join("\n", secure.auditLines()));
    }

    @Test
    @Order(2)
    void aSecondRunChangesNothingNotEvenModificationTimes() throws Exception {
        FileTime then = FileTime.fromMillis(1_000_000_000_000L);
        for (Path p : List.of(fileOf(false, plain), fileOf(true, secure), plainObjects, tlsObjects)) {
            Files.setLastModifiedTime(p, then);
        }
        String before = Files.readString(fileOf(false, plain));
        Run again = discover(false, plain);
        assertEquals(0, again.exit(), again.output());
        assertEquals(plain.address + ":" + plain.listenerPort + ": unchanged (2 workers)\n"
                + "selfheal-discover: 0 of 1 hosts changed\n", again.output());
        Run againOverTls = discover(true, secure);
        assertEquals(0, againOverTls.exit(), againOverTls.output());
        assertTrue(againOverTls.output().contains(": unchanged (2 workers)\n"), againOverTls.output());
        for (Path p : List.of(fileOf(false, plain), fileOf(true, secure), plainObjects, tlsObjects)) {
            assertEquals(then, Files.getLastModifiedTime(p), p + " was touched");
        }
        assertEquals(before, Files.readString(fileOf(false, plain)));
    }

    @Test
    @Order(3)
    void aWorkerWhoseDropInIsRemovedDisappears() throws Exception {
        Files.delete(plain.workers.resolve("bar.properties"));
        // The per-connection listener reads workers.d afresh on each connection: its reload is the next one.
        assertTrue(plain.checkConfig().contains("OK " + plain.workers.resolve("foo.properties")
                + ": commands foo-restart, foo-start, foo-stop; watches foo"), plain.checkConfig());
        Run run = discover(false, plain);
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().startsWith(plain.address + ":" + plain.listenerPort + ": removed bar\n"),
                run.output());
        String objects = Files.readString(fileOf(false, plain));
        assertFalse(objects.contains("bar worker"), objects);
        assertTrue(objects.contains("foo worker"), objects);
    }

    @Test
    @Order(4)
    void nagiosLoadsTheObjectsAndHealsAKilledFooOnEachHostThroughItsListener() throws Exception {
        nagios = new ProcessBuilder("/usr/sbin/nagios4", nagiosCfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("var/nagios.out").toFile()).start();
        for (FleetHost host : List.of(plain, secure)) {
            awaitOk(host, "foo worker", Duration.ofSeconds(60));
        }
        for (FleetHost host : List.of(plain, secure)) {
            long killed = host.killFoo();
            long start = System.nanoTime();
            Poll.until(HEAL_LIMIT, "foo on " + host.address + " healed by Nagios through its listener",
                    () -> host.answersOk(killed), () -> diagnostics(host));
            Poll.until(HEAL_LIMIT, "Nagios to see foo on " + host.address + " OK again",
                    () -> status(host, "foo worker").map(s -> s.is(ServiceStatus.OK, true)).orElse(false)
                            && host.answersOk(killed), () -> diagnostics(host));
            System.out.printf("kill -9 of foo on %s healed (new pid answering) in %.2f s%n", host.address,
                    (System.nanoTime() - start) / 1e9);
            assertNotEquals(killed, host.fooPid());
            assertTrue(host.auditLines().stream().anyMatch(l -> l.contains("request=\"foo-restart\" decision=ok")
                    && (host == plain || l.contains(" client=nagios-server "))), diagnostics(host));
        }
    }

    @Test
    @Order(5)
    void icinga2ObjectsForBothHostsPassIcinga2sOwnCheckAndABadOneReplacesNothing() throws Exception {
        Path icingaObjects = Files.createDirectories(dir.resolve("icinga2-objects"));
        Path conf = dir.resolve("icinga2.conf");
        Files.writeString(conf, String.join("\n",
                "include \"/etc/icinga2/constants.conf\"",
                "include <itl>",
                "include <plugins>",
                "include \"/etc/icinga2/conf.d/templates.conf\"",
                "include \"/etc/icinga2/conf.d/commands.conf\"",
                "include \"/etc/icinga2/conf.d/timeperiods.conf\"",
                "include \"/etc/icinga2/conf.d/users.conf\"",
                "include \"" + PrivateStack.checkout().resolve("nagios-config/icinga2/selfheal.conf") + "\"",
                "include_recursive \"" + icingaObjects + "\"", ""));
        // Icinga 2 as the check runs it, kept private: its cache here, and no drop to the nagios user.
        Path cache = Files.createDirectories(dir.resolve("icinga2-cache"));
        Path icinga2 = dir.resolve("icinga2-private");
        Files.writeString(icinga2, "#!/bin/sh\nexec /usr/sbin/icinga2 \"$@\" -DConfiguration.CacheDir=" + cache
                + " -DConfiguration.RunAsUser=root -DConfiguration.RunAsGroup=root\n");
        Files.setPosixFilePermissions(icinga2, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> common = List.of(PrivateStack.checkout().resolve("check-worker/bin/selfheal-discover").toString(),
                "--icinga2", "-o", icingaObjects.toString(), "--icinga2-conf", conf.toString(),
                "--icinga2-bin", icinga2.toString(), "-t", "20");

        List<String> both = new ArrayList<>(common);
        both.addAll(List.of("--client-cert", tls.resolve("client/nagios-server.crt").toString(),
                "--client-key", tls.resolve("client/nagios-server.key").toString(),
                "--ca-file", tls.resolve("ca.crt").toString(), secure.address + ":" + secure.listenerPort));
        Run run = run(both);
        assertEquals(0, run.exit(), run.output());
        String objects = Files.readString(icingaObjects.resolve(secure.address + ".conf"));
        assertTrue(objects.contains("  vars.selfheal_workers[\"foo\"] = {\n    check_worker_port = "
                + secure.fooPort + "\n"), objects);
        assertTrue(objects.contains("  vars.listener_tls_key = \"" + tls.resolve("client/nagios-server.key") + "\"\n"),
                objects);
        NagiosVerify.Result check = NagiosVerify.execute(List.of(icinga2.toString(), "daemon", "-C", "-c",
                conf.toString()));
        assertEquals(0, check.exit(), check.output());
        assertTrue(check.output().contains("Instantiated 3 Services"), "worker-foo, worker-bar and the listener:\n"
                + check.output());

        List<String> bad = new ArrayList<>(common);
        bad.addAll(List.of("--host-template", "no-such-template", plain.address + ":" + plain.listenerPort));
        Run refused = run(bad);
        assertEquals(2, refused.exit(), refused.output());
        assertTrue(refused.output().contains("nothing replaced"), refused.output());
        assertFalse(Files.exists(icingaObjects.resolve(plain.address + ".conf")), "a refused file was written");
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 120 s:\n" + out);
        }
        return new Run(p.exitValue(), out);
    }

    private Optional<ServiceStatus> status(FleetHost host, String service) {
        return ServiceStatus.read(statusFile, host.address, service);
    }

    private void awaitOk(FleetHost host, String service, Duration limit) {
        Poll.until(limit, "Nagios to see " + service + " on " + host.address + " OK",
                () -> status(host, service).map(s -> s.is(ServiceStatus.OK, true)).orElse(false),
                () -> diagnostics(host));
    }

    private String diagnostics(FleetHost host) {
        List<String> out = new ArrayList<>();
        out.add("--- status: " + status(host, "foo worker").map(Object::toString).orElse("none") + "; "
                + status(host, "selfheal listener").map(Object::toString).orElse("none"));
        out.add("--- audit of " + host.address);
        List<String> audit = host.auditLines();
        out.addAll(audit.subList(Math.max(0, audit.size() - 15), audit.size()));
        out.add("--- nagios.log");
        List<String> log = List.of(read(dir.resolve("var/nagios.log")).split("\n"));
        out.addAll(log.subList(Math.max(0, log.size() - 20), log.size()));
        out.add("--- heal log");
        out.add(read(dir.resolve("var/selfheal-heal.log")));
        return String.join("\n", out);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
