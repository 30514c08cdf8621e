package selfheal.heal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A private installation for one test: config file, state dir, audit log, the real scripts by path. */
final class ListenerFixture {
    /**
     * The real scripts of src/test/scripts, copied with their run bit into a fresh 0755 directory of their own:
     * the listener refuses a script in a directory that group or others may write, and a checkout's directories
     * are whatever its umask made them. (Resource copying would drop the run bit.)
     */
    static final Path SCRIPTS = copyOfScripts();

    final Path dir;
    final Path config;
    final Path stateDir;
    final Path auditLog;
    final Path marker;
    private final Map<String, String> properties = new LinkedHashMap<>();

    ListenerFixture(Path dir) throws IOException {
        this.dir = dir;
        this.config = dir.resolve("listener.properties");
        this.stateDir = Files.createDirectories(dir.resolve("state"));
        this.auditLog = dir.resolve("audit.log");
        this.marker = dir.resolve("marker");
        set("state.dir", stateDir.toString());
        set("audit.log", auditLog.toString());
        set("allow", "127.0.0.1, 192.0.2.0/24, 2001:db8::/32");
        set("read.timeout", "2");
        command("foo-restart", "record.sh", marker.toString());
        if (!runsAsRoot()) {
            // Then the scripts' copies and the temp directories are this user's, not root's.
            set("trusted.owner", System.getProperty("user.name"));
        }
    }

    /** Whether the tests run as root, as they must to give files to another user (the effective uid). */
    static boolean runsAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path script(String name) {
        return SCRIPTS.resolve(name);
    }

    private static Path copyOfScripts() {
        try {
            Path dir = Files.createTempDirectory("selfheal-scripts-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            dir.toFile().deleteOnExit(); // after its files: deleteOnExit runs in reverse order
            try (DirectoryStream<Path> scripts = Files.newDirectoryStream(Path.of("src/test/scripts"))) {
                for (Path script : scripts) {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(script);
                    mode.remove(PosixFilePermission.GROUP_WRITE);
                    mode.remove(PosixFilePermission.OTHERS_WRITE);
                    Path copy = Files.copy(script, dir.resolve(script.getFileName().toString()));
                    Files.setPosixFilePermissions(copy, mode);
                    copy.toFile().deleteOnExit();
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy src/test/scripts", e);
        }
    }

    ListenerFixture set(String key, String value) throws IOException {
        properties.put(key, value);
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            text.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        Files.writeString(config, text);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        return this;
    }

    /** A command with no settle, so that a test may run it again at once; SettleTest sets one. */
    ListenerFixture command(String name, String script, String args) throws IOException {
        set("command." + name, script(script).toString());
        set("command." + name + ".settle", "0");
        return set("command." + name + ".args", args);
    }

    ListenerFixture unset(String key) throws IOException {
        properties.remove(key);
        return set("allow", properties.get("allow")); // rewrites the file
    }

    /** Serves one request from {@code peer} and returns everything written to the client. */
    String serve(Peer peer, Clock clock, InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CommandListener(() -> Connection.of(peer), clock).run(in, out, "--config", config.toString());
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    String serve(String line) {
        return serve(Peer.remote(IpAddress.parse("127.0.0.1")), Clock.systemUTC(),
                new ByteArrayInputStream(line.getBytes(StandardCharsets.ISO_8859_1)));
    }

    String operator(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CommandListener(() -> Connection.of(Peer.local()), Clock.systemUTC())
                .run(new ByteArrayInputStream(new byte[0]), out, args);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    List<String> audit() throws IOException {
        return Files.exists(auditLog) ? Files.readAllLines(auditLog, StandardCharsets.US_ASCII) : List.of();
    }

    /** The records of how requests ended: all but the intents written before each run. */
    List<String> outcomes() throws IOException {
        List<String> outcomes = new java.util.ArrayList<>();
        for (String line : audit()) {
            if (!line.contains(" phase=intent ")) {
                outcomes.add(line);
            }
        }
        return outcomes;
    }

    List<String> runs() throws IOException {
        return Files.exists(marker) ? Files.readAllLines(marker) : List.of();
    }
}
