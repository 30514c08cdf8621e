package selfheal.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * selfheal-discover through run(...) against real listeners stand-ins on loopback port 0 that answer
 * {@code describe} with what each scenario sets, and a monitor's check that is a real script: it refuses any
 * object file holding the word REFUSE, as nagios4 -v refuses a bad object.
 */
class DiscoverTest {
    @TempDir
    Path tmp;
    private Path output;
    private Path nagiosCfg;
    private Path checker;
    private final List<Describer> describers = new ArrayList<>();

    /** Answers each connection's describe with its current reply, until closed. */
    private static final class Describer implements AutoCloseable {
        final ServerSocket server;
        final AtomicReference<String> reply = new AtomicReference<>();
        final Thread thread;

        Describer(String reply) throws IOException {
            this.reply.set(reply);
            server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket client = server.accept()) {
                        InputStream in = client.getInputStream();
                        StringBuilder line = new StringBuilder();
                        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                            line.append((char) c);
                        }
                        String answer = line.toString().equals("describe") ? this.reply.get() : "ERR unknown-command\n";
                        client.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        String target() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(2_000);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        output = tmp.resolve("discovered");
        nagiosCfg = Files.writeString(tmp.resolve("nagios.cfg"), "cfg_dir=" + output + "\nlog_file=/dev/null\n");
        checker = tmp.resolve("check-objects");
        // As nagios4 -v: the main file given last; its cfg_dir= line names the directory to read.
        Files.writeString(checker, "#!/bin/sh\nfor main; do :; done\ndir=$(sed -n 's/^cfg_dir=//p' \"$main\")\n"
                + "if grep -rq REFUSE \"$dir\"; then echo \"Error: refused object in $dir\"; exit 1; fi\n"
                + "echo \"Things look okay ($dir)\"\n");
        Files.setPosixFilePermissions(checker, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() throws Exception {
        for (Describer d : describers) {
            d.close();
        }
    }

    private Describer listener(String... workers) throws IOException {
        Describer d = new Describer(reply(workers));
        describers.add(d);
        return d;
    }

    private static String reply(String... workers) {
        StringBuilder text = new StringBuilder("OK describe " + workers.length + "\n");
        for (String w : workers) {
            text.append("worker ").append(w).append(" url=http://127.0.0.1:8081/health port=8081 heal=")
                    .append(w).append("-restart budget=3/15m settle=4.00s\n");
        }
        return text.toString();
    }

    record Run(int code, String out) {
    }

    private Run discover(String... targets) {
        List<String> args = new ArrayList<>(List.of("-o", output.toString(), "--nagios-cfg", nagiosCfg.toString(),
                "--nagios", checker.toString(), "-t", "5"));
        args.addAll(List.of(targets));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new Discover().run(args.toArray(new String[0]), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private Path fileOf(Describer d) {
        return output.resolve("127.0.0.1.cfg");
    }

    @Test
    void writesOneFileOfObjectsPerHostAndASecondRunChangesNothing() throws Exception {
        Describer a = listener("foo", "bar");
        Run first = discover(a.target());
        assertEquals(0, first.code(), first.out());
        assertTrue(first.out().startsWith(a.target() + ": new host: added bar, foo\n"), first.out());
        String text = Files.readString(fileOf(a));
        assertTrue(text.contains("    service_description     foo worker\n    _WORKER_PORT            8081\n"
                + "    _WORKER_URL             /health\n    _HEAL_COMMAND           foo-restart\n"
                + "    _LISTENER_PORT          " + a.server.getLocalPort() + "\n"), text);
        assertTrue(text.contains("    host_name               127.0.0.1\n"), text);
        assertTrue(text.contains("    service_description     selfheal listener\n"), text);

        FileTime before = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(fileOf(a), before);
        Files.setLastModifiedTime(output, before);
        Run second = discover(a.target());
        assertEquals(0, second.code(), second.out());
        assertEquals(a.target() + ": unchanged (2 workers)\nselfheal-discover: 0 of 1 hosts changed\n", second.out());
        assertEquals(before, Files.getLastModifiedTime(fileOf(a)));
        assertEquals(before, Files.getLastModifiedTime(output));
        assertEquals(text, Files.readString(fileOf(a)));
    }

    @Test
    void aWorkerTheListenerNoLongerDescribesDisappears() throws Exception {
        Describer a = listener("foo", "bar");
        assertEquals(0, discover(a.target()).code());
        a.reply.set(reply("foo"));
        Run run = discover(a.target());
        assertEquals(0, run.code(), run.out());
        assertTrue(run.out().startsWith(a.target() + ": removed bar\n"), run.out());
        assertFalse(Files.readString(fileOf(a)).contains("bar worker"));
    }

    @Test
    void anUnreachableListenerKeepsItsLastFileAndExitsOne() throws Exception {
        Describer a = listener("foo");
        assertEquals(0, discover(a.target()).code());
        String kept = Files.readString(fileOf(a));
        String target = a.target();
        a.close();
        Run run = discover(target);
        assertEquals(1, run.code(), run.out());
        assertTrue(run.out().startsWith(target + ": not described: connection refused by " + target
                + "; its last objects kept\n"), run.out());
        assertEquals(kept, Files.readString(fileOf(a)));
    }

    @Test
    void silentListenersAreAskedAtOnceSoTheyCostOneTimeoutNotOneEach() throws Exception {
        Describer a = listener("foo");
        List<String> args = new ArrayList<>(List.of("-o", output.toString(), "--nagios-cfg", nagiosCfg.toString(),
                "--nagios", checker.toString(), "-t", "1", a.target()));
        List<ServerSocket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress()); // accepted, never answered
                silent.add(s);
                args.add("127.0.0.1:" + s.getLocalPort());
            }
            long start = System.nanoTime();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int code = new Discover().run(args.toArray(new String[0]), new PrintStream(bytes, true, StandardCharsets.UTF_8));
            double seconds = (System.nanoTime() - start) / 1e9;
            String out = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(1, code, out);
            assertTrue(out.startsWith(a.target() + ": new host: added foo\n"), out);
            assertEquals(4, out.split("not described: timed out", -1).length - 1, out);
            assertTrue(seconds < 3.5, "4 silent listeners with -t 1 took " + seconds + " s: asked one after the other?");
        } finally {
            for (ServerSocket s : silent) {
                s.close();
            }
        }
    }

    @Test
    void objectsTheMonitorRefusesReplaceNothingAndExitTwo() throws Exception {
        Describer a = listener("foo");
        assertEquals(0, discover(a.target()).code());
        String kept = Files.readString(fileOf(a));
        a.reply.set(reply("foo", "REFUSE"));
        Run run = discover(a.target());
        assertEquals(2, run.code(), run.out());
        assertTrue(run.out().contains("the new objects fail check-objects's check; nothing replaced:\nError: refused"
                + " object in "), run.out());
        assertEquals(kept, Files.readString(fileOf(a)));
    }

    @Test
    void aReplyThatWouldWriteObjectSyntaxIsRefused() throws Exception {
        Describer a = new Describer("OK describe 1\nworker foo url=http://127.0.0.1:8081/h;x port=8081"
                + " heal=foo-restart budget=none settle=0.00s\n");
        describers.add(a);
        Run run = discover(a.target());
        assertEquals(1, run.code(), run.out());
        assertTrue(run.out().contains("not described: url of foo is not http[s]://HOST[:PORT]/PATH in safe"
                + " characters"), run.out());
        assertFalse(Files.exists(fileOf(a)));
    }

    @Test
    void icinga2ObjectsAreAHostWithSelfhealWorkersForTheShippedApplyRules() throws Exception {
        Describer a = listener("foo");
        Path conf = Files.writeString(tmp.resolve("icinga2.conf"), "include_recursive \"" + output + "\"\n");
        Path icinga = tmp.resolve("icinga2");
        Files.writeString(icinga, "#!/bin/sh\necho \"$@\" > " + tmp.resolve("icinga2.args") + "\n");
        Files.setPosixFilePermissions(icinga, PosixFilePermissions.fromString("rwxr-xr-x"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new Discover().run(new String[] {"--icinga2", "-o", output.toString(), "--icinga2-conf",
                conf.toString(), "--icinga2-bin", icinga.toString(), a.target()},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(0, code, bytes.toString(StandardCharsets.UTF_8));
        assertTrue(Files.readString(tmp.resolve("icinga2.args")).startsWith("daemon -C -c "));
        assertEquals("// selfheal-discover: the workers of the listener at " + a.target() + "\n"
                + "// Written by selfheal-discover and replaced by its next run: change the listener's workers.d,"
                + " not this file.\n"
                + "// worker foo url=http://127.0.0.1:8081/health port=8081 heal=foo-restart budget=3/15m settle=4.00s\n"
                + "\n"
                + "object Host \"127.0.0.1\" {\n"
                + "  import \"generic-host\"\n"
                + "  address = \"127.0.0.1\"\n"
                + "  vars.check_listener_port = " + a.server.getLocalPort() + "\n"
                + "  vars.selfheal_workers = {}\n"
                + "  vars.selfheal_workers[\"foo\"] = {\n"
                + "    check_worker_port = 8081\n"
                + "    check_worker_url = \"/health\"\n"
                + "    heal_command = \"foo-restart\"\n"
                + "  }\n"
                + "}\n", Files.readString(output.resolve("127.0.0.1.conf")));
    }
}
