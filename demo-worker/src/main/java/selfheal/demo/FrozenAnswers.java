package selfheal.demo;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import selfheal.status.StatusEndpoint;

/**
 * The freeze fault: once switched on, every request for the health document gets the last one served before,
 * byte for byte, as from a status thread stuck behind a cache. Until then it keeps a copy of each document it
 * lets through; other paths and methods pass untouched.
 */
final class FrozenAnswers extends Filter {
    private record Answer(String path, int code, byte[] body) {
    }

    private volatile boolean on;
    private volatile Answer last;

    void switchOn() {
        on = true;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Answer frozen = last;
        if (on && frozen != null && frozen.path().equals(path)) {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("Content-Type", StatusEndpoint.MEDIA_TYPE);
            exchange.sendResponseHeaders(frozen.code(), frozen.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(frozen.body());
            }
            return;
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        exchange.setStreams(null, new Tee(exchange.getResponseBody(), copy));
        chain.doFilter(exchange);
        if (exchange.getRequestMethod().equals("GET")
                && StatusEndpoint.MEDIA_TYPE.equals(exchange.getResponseHeaders().getFirst("Content-Type"))) {
            last = new Answer(path, exchange.getResponseCode(), copy.toByteArray());
        }
    }

    @Override
    public String description() {
        return "serves the last health document unchanged when the freeze fault is on";
    }

    /** Writes to the exchange's stream and to a copy. */
    private static final class Tee extends FilterOutputStream {
        private final OutputStream copy;

        Tee(OutputStream out, OutputStream copy) {
            super(out);
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            copy.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            copy.write(b, off, len);
        }
    }
}
