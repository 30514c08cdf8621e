package selfheal.training;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The loopback peers that launcher/make-archives trains the programs against, so that making the start-up
 * archives at install time needs the JDK and bash only. No program of this jar loads this class.
 *
 * <pre>
 * health PORT_FILE                       a health+json endpoint at /health, serving until killed
 * https PORT_FILE KEYSTORE PASSWORD      the same over HTTPS, with the key in a PKCS12 KEYSTORE (keytool)
 * pong PORT_FILE                         a TCP service answering every connection "OK pong", like a listener
 * socket LINE_FILE COMMAND...            runs COMMAND with a listening socket on its stdin, connects to it,
 *                                        sends LINE_FILE's first line, prints the reply; exits with COMMAND's status
 * </pre>
 *
 * A service writes its port to PORT_FILE (atomically) once it listens, and ends with its parent process.
 * {@code socket} hands the listening socket over as an inetd-style server (xinetd's {@code wait = yes},
 * systemd's {@code Accept=no}) receives it: on stdin. Java starts a child with the parent's own stdin or a
 * pipe, never another descriptor, so it first makes the socket its own stdin with the JDK's private
 * {@code dup2} (the one {@code System.inheritedChannel()} closes with); the JVM needs
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} for that.
 */
public final class TrainingPeer {
    private TrainingPeer() {
    }

    public static void main(String[] args) throws Exception {
        endWithParent();
        String what = args.length > 0 ? args[0] : "";
        switch (what) {
            case "health" -> announce(health(null), Path.of(args[1]));
            case "https" -> announce(health(tls(Path.of(args[2]), args[3].toCharArray())), Path.of(args[1]));
            case "pong" -> {
                ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                announce(server.getLocalPort(), Path.of(args[1]));
                pong(server);
            }
            case "socket" -> Runtime.getRuntime().halt(handOver(firstLine(Path.of(args[1])),
                    Arrays.asList(args).subList(2, args.length)));
            default -> {
                System.err.println("usage: TrainingPeer health|https|pong PORT_FILE [KEYSTORE PASSWORD]"
                        + " | socket LINE_FILE COMMAND...");
                Runtime.getRuntime().halt(2);
            }
        }
    }

    /** A service left behind by a killed make-archives would serve forever: it ends with its parent. */
    private static void endWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
    }

    private static void announce(HttpServer server, Path portFile) throws IOException {
        server.start();
        announce(server.getAddress().getPort(), portFile);
    }

    private static void announce(int port, Path portFile) throws IOException {
        Path tmp = Path.of(portFile + ".tmp");
        Files.writeString(tmp, Integer.toString(port));
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A healthy worker's health+json document at /health, on a free loopback port; HTTPS with {@code tls}. */
    static HttpServer health(SSLContext tls) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        HttpServer server;
        if (tls == null) {
            server = HttpServer.create(address, 50);
        } else {
            HttpsServer https = HttpsServer.create(address, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.createContext("/health", exchange -> {
            byte[] body = healthDocument(Instant.now()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/health+json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        return server;
    }

    static String healthDocument(Instant now) {
        return "{\"status\":\"pass\",\"checks\":{\"worker:heartbeat\":[{\"componentId\":\"train\",\"observedValue\":0.5,"
                + "\"observedUnit\":\"s\",\"status\":\"pass\",\"time\":\"" + now + "\"}],\"queue:depth\":[{\"componentId\":"
                + "\"train\",\"observedValue\":2,\"observedUnit\":\"files\",\"status\":\"pass\"}]}}";
    }

    private static SSLContext tls(Path keystore, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** Answers each connection like a healthy command-listener: reads its line, replies "OK pong". */
    static void pong(ServerSocket server) throws IOException {
        while (true) {
            try (Socket client = server.accept()) {
                client.setSoTimeout(10_000);
                InputStream in = client.getInputStream();
                for (int n = 0, c = in.read(); c != -1 && c != '\n' && n < 300; n++, c = in.read()) {
                    // the request line, whatever it says
                }
                client.getOutputStream().write("OK pong\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // one client's trouble; the next may come
            }
        }
    }

    private static byte[] firstLine(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end + 1)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code command} with a listening loopback socket as its stdin (stdout and stderr are this one's),
     * sends {@code line} as one client, prints what comes back, and returns the command's exit status.
     */
    static int handOver(byte[] line, List<String> command) throws Exception {
        Process program;
        int port;
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Method fdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            Method dup2 = Class.forName("sun.nio.ch.InheritedChannel").getDeclaredMethod("dup2", int.class, int.class);
            dup2.setAccessible(true);
            dup2.invoke(null, (int) fdVal.invoke(server), 0);
            program = new ProcessBuilder(command).inheritIO().start();
        }
        // The program holds the socket now: with this process's copies closed (the JDK points a closed stdin
        // at /dev/null), a program that ends without accepting refuses the client instead of leaving it waiting.
        System.in.close();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(60_000);
            client.getOutputStream().write(line);
            client.shutdownOutput();
            System.out.write(client.getInputStream().readAllBytes());
            System.out.flush();
        } catch (IOException e) {
            System.out.println("training client: " + e);
        }
        return program.waitFor();
    }
}
