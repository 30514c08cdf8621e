package selfheal.demo;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;

/** The slow fault: once switched on, every status answer waits the delay first. */
final class SlowAnswers extends Filter {
    private final Duration delay;
    private volatile boolean on;

    SlowAnswers(Duration delay) {
        this.delay = delay;
    }

    void switchOn() {
        on = true;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (on) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.close();
                return;
            }
        }
        chain.doFilter(exchange);
    }

    @Override
    public String description() {
        return "delays every answer by " + delay.toMillis() + " ms when the slow fault is on";
    }
}
