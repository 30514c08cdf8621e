package selfheal.check.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real HTTP server on 127.0.0.1 port 0 with one route per scenario; close() stops it and its threads. */
final class TestEndpoint implements AutoCloseable {

    interface Route {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-endpoint");
        t.setDaemon(true);
        return t;
    });

    TestEndpoint() throws IOException {
        this(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    TestEndpoint(HttpServer server) {
        this.server = server;
        server.setExecutor(threads);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    TestEndpoint route(String path, Route route) {
        server.createContext(path, exchange -> {
            try (exchange) {
                route.handle(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client went away (timeouts, capped reads): expected in several scenarios
            }
        });
        return this;
    }

    TestEndpoint route(String path, int code, String contentType, String body) {
        return route(path, exchange -> send(exchange, code, contentType, body));
    }

    static void send(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
