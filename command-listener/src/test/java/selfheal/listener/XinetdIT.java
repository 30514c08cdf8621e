package selfheal.listener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The suite against Debian's xinetd, with a private configuration, in the foreground. */
class XinetdIT extends ListenerStackIT {
    static final Path XINETD = Path.of("/usr/sbin/xinetd");
    private int openPort;

    @Override
    void startStack() throws Exception {
        openPort = freePort();
        Path conf = dir.resolve("xinetd.conf");
        Path log = dir.resolve("xinetd.log");
        String user = System.getProperty("user.name");
        // The service as in xinetd.d/selfheal, but UNLISTED on a free port, and a second one whose only_from
        // also lets 127.0.0.2 in, so that the program's own allow list is what refuses it.
        Files.writeString(conf, "defaults\n{\n}\n"
                + service("selfheal", port, "127.0.0.1", user)
                + service("selfheal-open", openPort, "127.0.0.1 127.0.0.2", user));
        ProcessBuilder pb = new ProcessBuilder(XINETD.toString(), "-dontfork", "-f", conf.toString(),
                "-pidfile", dir.resolve("xinetd.pid").toString(), "-filelog", log.toString())
                .redirectOutput(dir.resolve("xinetd.out").toFile())
                .redirectErrorStream(true);
        pb.environment().put("JAVA_TOOL_OPTIONS", JVM_NOISE);
        started.add(pb.start());
        awaitText(log, "Started working: 2 available services", Duration.ofSeconds(10));
    }

    private String service(String name, int servicePort, String onlyFrom, String user) {
        return "service " + name + "\n{\n"
                + "    type = UNLISTED\n"
                + "    port = " + servicePort + "\n"
                + "    bind = 127.0.0.1\n"
                + "    socket_type = stream\n"
                + "    protocol = tcp\n"
                + "    wait = no\n"
                + "    user = " + user + "\n"
                + "    server = " + LAUNCHER + "\n"
                + "    server_args = --config " + config + "\n"
                + "    only_from = " + onlyFrom + "\n"
                + "    instances = 20\n"
                + "    per_source = 20\n"
                + "    cps = 500 1\n"
                + "    passenv = JAVA_TOOL_OPTIONS\n"
                + "    log_on_success = PID HOST EXIT DURATION\n"
                + "    log_on_failure = HOST ATTEMPT\n"
                + "    umask = 077\n"
                + "    disable = no\n"
                + "}\n";
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
