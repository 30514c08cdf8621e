package selfheal.heal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The suite against Debian's xinetd, with a private configuration, in the foreground. */
class XinetdIT extends ListenerStackIT {
    static final Path XINETD = Path.of("/usr/sbin/xinetd");
    static final Path SHIPPED = Path.of("../xinetd.d/selfheal").toAbsolutePath().normalize();
    private int openPort;

    @Override
    void startStack() throws Exception {
        openPort = freePort();
        // The service as in xinetd.d/selfheal, but UNLISTED on a free port, and a second one whose only_from
        // also lets 127.0.0.2 in, so that the program's own allow list is what refuses it.
        startXinetd(service("selfheal", SHIPPED, port, perConnection("127.0.0.1"))
                + service("selfheal-open", SHIPPED, openPort, perConnection("127.0.0.1 127.0.0.2")), 2);
    }

    /** Runs a private xinetd in the foreground with these services; waits until it serves them all. */
    Process startXinetd(String services, int count) throws Exception {
        return startXinetd(services, count, "xinetd");
    }

    /** The same, its files named NAME.conf, NAME.log, ... in the test directory. */
    Process startXinetd(String services, int count, String name) throws Exception {
        Path conf = dir.resolve(name + ".conf");
        Path log = dir.resolve(name + ".log");
        Files.writeString(conf, "defaults\n{\n}\n" + services);
        ProcessBuilder pb = new ProcessBuilder(XINETD.toString(), "-dontfork", "-f", conf.toString(),
                "-pidfile", dir.resolve(name + ".pid").toString(), "-filelog", log.toString())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectErrorStream(true);
        pb.environment().put("JAVA_TOOL_OPTIONS", JVM_NOISE);
        Process xinetd = pb.start();
        started.add(xinetd);
        awaitText(log, "Started working: " + count + " available service" + (count == 1 ? "" : "s"),
                Duration.ofSeconds(10));
        return xinetd;
    }

    /** The per-connection limits, loose enough for the suite. */
    private static Map<String, String> perConnection(String onlyFrom) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("only_from", onlyFrom);
        overrides.put("instances", "20");
        overrides.put("per_source", "20");
        overrides.put("cps", "500 1");
        return overrides;
    }

    /**
     * A shipped xinetd service file, with only what a private test instance must change: the name, type
     * UNLISTED and a free port, this user, the launcher in this checkout, the test config, the given
     * overrides, and JAVA_TOOL_OPTIONS passed through to prove the JVM's chatter stays off the socket. Every
     * other attribute is used as shipped, so a broken shipped file fails this test.
     */
    String service(String name, Path shipped, int servicePort, Map<String, String> more) throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("type", "UNLISTED");
        overrides.put("port", Integer.toString(servicePort));
        overrides.put("bind", "127.0.0.1");
        overrides.put("user", System.getProperty("user.name"));
        overrides.put("server", LAUNCHER.toString());
        overrides.put("server_args", "--config " + config);
        overrides.putAll(more);
        overrides.put("passenv", "JAVA_TOOL_OPTIONS");
        StringBuilder text = new StringBuilder("service " + name + "\n{\n");
        for (String line : Files.readAllLines(shipped)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("service") || t.equals("{") || t.equals("}")) {
                continue;
            }
            String key = t.split("\\s*=", 2)[0].strip();
            if (!overrides.containsKey(key) && !key.equals("group")) {
                text.append(line).append('\n');
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            text.append("    ").append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        return text.append("}\n").toString();
    }

    @Override
    int programOnlyPort() {
        return openPort;
    }

    @Override
    boolean launcherFiltersPeers() {
        return true;
    }
}
