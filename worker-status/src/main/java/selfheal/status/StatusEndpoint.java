package selfheal.status;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * An embeddable HTTP status endpoint that serves the health of a worker as {@code application/health+json}
 * (IETF draft-inadarei-api-health-check), the format {@code check_worker} reads natively.
 *
 * <p>The endpoint reports a {@value #HEARTBEAT_CHECK} check whose {@code observedValue} is the age in seconds of
 * the last {@link #heartbeat()} and whose {@code time} is that heartbeat's instant, plus every registered
 * check. It answers 200 for pass and warn, 503 for fail, {@code Cache-Control: no-store}, GET and HEAD only.
 * All its threads are daemon threads, connections and check threads are bounded, each check runs under a
 * timeout, and a client that stalls is closed after 2 s without holding up any answer.
 *
 * <pre>{@code
 * try (StatusEndpoint status = StatusEndpoint.builder("foo").port(8081).start()) {
 *     status.registerValue("queue:depth", "files", queue::size);
 *     while (running) {
 *         work();
 *         status.heartbeat();
 *     }
 * }
 * }</pre>
 */
public final class StatusEndpoint implements Closeable {
    /** The key of the heartbeat check in the {@code checks} object. */
    public static final String HEARTBEAT_CHECK = "worker:heartbeat";
    /** The media type of every health answer. */
    public static final String MEDIA_TYPE = "application/health+json";

    /** How long a client may take to send a request head, or to take an answer; also the keep-alive time. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(2);
    /** The most connections open at once; see {@link StatusServer} for what happens beyond. */
    static final int MAX_CONNECTIONS = 64;

    // {componentName}:{measurementName}; the draft forbids a colon inside either part.
    private static final Pattern CHECK_NAME = Pattern.compile("[^:\\p{Cntrl}\\s]+(:[^:\\p{Cntrl}\\s]+)?");

    private final String serviceId;
    private final String description;
    private final String path;
    private final Clock clock;
    private final Heartbeat heartbeat;
    private final CheckRunner checks;
    private final Map<String, HealthCheck> registered = new LinkedHashMap<>();
    private final StatusServer server;

    private StatusEndpoint(Builder b) throws IOException {
        this.serviceId = b.serviceId;
        this.description = b.description;
        this.path = b.path;
        this.clock = b.clock;
        this.heartbeat = b.heartbeat ? new Heartbeat(b.clock, b.heartbeatLimits) : null;
        this.checks = new CheckRunner(b.checkThreads, b.checkTimeout);
        try {
            this.server = new StatusServer(new InetSocketAddress(b.bindAddress, b.port),
                    new StatusExchange.Context(this::handle, b.filters), CLIENT_TIMEOUT, MAX_CONNECTIONS,
                    b.httpThreads);
        } catch (IOException e) {
            checks.close();
            throw new IOException("cannot listen on " + b.bindAddress.getHostAddress() + ":" + b.port + ": "
                    + e.getMessage(), e);
        }
    }

    /** Starts building an endpoint for the worker {@code serviceId} (also each check's {@code componentId}). */
    public static Builder builder(String serviceId) {
        return new Builder(serviceId);
    }

    /** Marks progress of the work loop: the heartbeat's age starts again from zero. Cheap; call it often. */
    public void heartbeat() {
        if (heartbeat == null) {
            throw new IllegalStateException("this endpoint was built without a heartbeat");
        }
        heartbeat.beat();
    }

    /**
     * Adds a check, reported under {@code name} from the next request on.
     *
     * @param name  the key in {@code checks}: {@code component} or {@code component:measurement}, no colon
     *              inside either part, no white space; unique
     * @param check called on every request
     * @return this endpoint
     * @throws IllegalArgumentException if the name is malformed or taken
     */
    public StatusEndpoint register(String name, HealthCheck check) {
        Objects.requireNonNull(check, "check");
        if (name == null || !CHECK_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad check name '" + name
                    + "': use component or component:measurement, no colon inside a part, no spaces");
        }
        synchronized (registered) {
            if (registered.containsKey(name) || (heartbeat != null && name.equals(HEARTBEAT_CHECK))) {
                throw new IllegalArgumentException("a check named '" + name + "' is already registered");
            }
            registered.put(name, check);
        }
        return this;
    }

    /**
     * Adds a check that always passes and reports a number, such as a queue depth or a count of items done.
     *
     * @param name  as for {@link #register(String, HealthCheck)}
     * @param unit  the {@code observedUnit}, for example {@code "files"}
     * @param value read on every request
     * @return this endpoint
     */
    public StatusEndpoint registerValue(String name, String unit, Supplier<? extends Number> value) {
        Objects.requireNonNull(value, "value");
        return register(name, () -> Observation.pass(value.get(), unit));
    }

    /** The address and port the endpoint listens on (the real port when built with port 0). */
    public InetSocketAddress address() {
        return server.address();
    }

    /** The URL of the health document, for example {@code http://127.0.0.1:8081/health}. */
    public URI uri() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + path);
    }

    /** Stops listening at once and stops every thread of the endpoint. */
    @Override
    public void close() {
        server.close();
        checks.close();
    }

    /** Runs every check now. */
    HealthReport report() {
        List<String> names = new ArrayList<>();
        List<HealthCheck> toRun = new ArrayList<>();
        synchronized (registered) {
            registered.forEach((name, check) -> {
                names.add(name);
                toRun.add(check);
            });
        }
        List<CheckEntry> entries = new ArrayList<>(names.size() + 1);
        if (heartbeat != null) {
            entries.add(new CheckEntry(HEARTBEAT_CHECK, serviceId, heartbeat.observe()));
        }
        List<Observation> results = checks.runAll(toRun);
        for (int i = 0; i < names.size(); i++) {
            entries.add(new CheckEntry(names.get(i), serviceId, results.get(i)));
        }
        return new HealthReport(serviceId, description, entries);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(path)) {
                sendText(exchange, 404, "not found: the health document is at " + path + "\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendText(exchange, 405, "method " + method + " not allowed: use GET or HEAD\n");
            } else {
                HealthReport report = report();
                byte[] body = report.toJson(clock.instant()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", MEDIA_TYPE);
                send(exchange, report.status().httpCode(), body);
            }
        }
    }

    private static void sendText(HttpExchange exchange, int code, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, code, text.getBytes(StandardCharsets.UTF_8));
    }

    // For HEAD the server writes the same headers, Content-Length included, and no body.
    private static void send(HttpExchange exchange, int code, byte[] body) throws IOException {
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Configures a {@link StatusEndpoint}; {@link #start()} binds it. */
    public static final class Builder {
        private final String serviceId;
        private String description;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private String path = "/health";
        private Duration checkTimeout = Duration.ofSeconds(1);
        private int httpThreads = 2;
        private int checkThreads = 4;
        private boolean heartbeat = true;
        private HeartbeatLimits heartbeatLimits = HeartbeatLimits.NONE;
        private final List<Filter> filters = new ArrayList<>();
        private Clock clock = Clock.systemUTC();

        private Builder(String serviceId) {
            if (serviceId == null || serviceId.isBlank()) {
                throw new IllegalArgumentException("serviceId must not be blank");
            }
            this.serviceId = serviceId;
        }

        /** A human-friendly description of the worker, written as {@code description}. Default: none. */
        public Builder description(String text) {
            this.description = text;
            return this;
        }

        /** The address to listen on. Default: the loopback address, 127.0.0.1. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The TCP port; 0 picks a free one (see {@link StatusEndpoint#address()}). Default: 0. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The path of the health document; other paths answer 404. Default: {@code /health}. */
        public Builder path(String path) {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/', got " + path);
            }
            this.path = path;
            return this;
        }

        /** How long all checks of one request may take together; a late check fails. Default: 1 s. */
        public Builder checkTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("checkTimeout must be positive, got " + timeout);
            }
            this.checkTimeout = timeout;
            return this;
        }

        /** Requests answered at once; only complete requests wait for one, never a stalled client. Default: 2. */
        public Builder httpThreads(int count) {
            this.httpThreads = requirePositive("httpThreads", count);
            return this;
        }

        /** Threads that run checks. Default: 4. */
        public Builder checkThreads(int count) {
            this.checkThreads = requirePositive("checkThreads", count);
            return this;
        }

        /** Ages at which the heartbeat check turns warn and fail. Default: {@link HeartbeatLimits#NONE}. */
        public Builder heartbeatLimits(HeartbeatLimits limits) {
            this.heartbeatLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Leaves out the {@value StatusEndpoint#HEARTBEAT_CHECK} check, for programs without a work loop. */
        public Builder withoutHeartbeat() {
            this.heartbeat = false;
            return this;
        }

        /**
         * Adds an HTTP filter in front of the health document (access log, authentication...). It sees a
         * complete request with no body; its {@code HttpContext} has no {@code HttpServer} and no authenticator.
         */
        public Builder filter(Filter filter) {
            filters.add(Objects.requireNonNull(filter, "filter"));
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Binds and starts the endpoint.
         *
         * @throws IOException if the address cannot be bound; the message names address and port
         */
        public StatusEndpoint start() throws IOException {
            return new StatusEndpoint(this);
        }

        private static int requirePositive(String name, int count) {
            if (count < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, got " + count);
            }
            return count;
        }
    }
}
