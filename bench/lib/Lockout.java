import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients of bench/lockout, on loopback only, each simulated host on its own source address. Every loop
 * is bounded by a deadline, so the program stops by itself.
 *
 * <pre>
 * Lockout silent PORT NAGIOS OTHERS COUNT REPS   COUNT silent connections from OTHERS (comma separated),
 *                                                reopened 0.1 s after the listener closes one; 1.5 s later
 *                                                NAGIOS pings; REPS times
 * Lockout flood PORT NAGIOS OUTSIDER SECONDS REPS NAGIOS pings every 0.1 s for 1 + SECONDS + 12 s while
 *                                                OUTSIDER opens and closes connections as fast as it can
 *                                                from 1 s to 1 + SECONDS s; REPS times
 * </pre>
 *
 * Prints one line: the median, the range and how many of the measurements succeeded, in seconds.
 */
public final class Lockout {
    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        List<Double> figures = new ArrayList<>();
        int failed = 0;
        if (args[0].equals("silent")) {
            String[] others = args[3].split(",");
            int count = Integer.parseInt(args[4]);
            for (int rep = Integer.parseInt(args[5]); rep > 0; rep--) {
                double t = silent(port, args[2], others, count);
                if (t < 0) {
                    failed++;
                } else {
                    figures.add(t);
                }
            }
        } else {
            int seconds = Integer.parseInt(args[4]);
            for (int rep = Integer.parseInt(args[5]); rep > 0; rep--) {
                figures.add(flood(port, args[2], args[3], seconds));
            }
        }
        System.out.println(summary(figures, failed));
    }

    /** Seconds until NAGIOS's ping is answered OK while COUNT silent connections are held; -1 if it is not. */
    private static double silent(int port, String nagios, String[] others, int count) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> holders = new ArrayList<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int i = 0; i < count; i++) {
            String source = others[i % others.length];
            Thread holder = new Thread(() -> hold(port, source, stop, deadline), "silent");
            holder.setDaemon(true);
            holder.start();
            holders.add(holder);
        }
        Thread.sleep(1500);
        long start = System.nanoTime();
        String reply = ping(port, nagios, 10_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread holder : holders) {
            holder.join(5000);
        }
        Thread.sleep(1000); // per-connection listeners read EOF and exit
        System.err.printf(Locale.ROOT, "silent: %.3f s %s%n", seconds, reply);
        return reply.startsWith("OK pong") ? seconds : -1;
    }

    /** One silent connection from SOURCE, reopened after 0.1 s whenever the listener closes it. */
    private static void hold(int port, String source, AtomicBoolean stop, long deadline) {
        while (!stop.get() && System.nanoTime() < deadline) {
            try (Socket s = open(port, source, 3000)) {
                s.setSoTimeout(100);
                InputStream in = s.getInputStream();
                byte[] sink = new byte[256];
                while (!stop.get() && System.nanoTime() < deadline) {
                    try {
                        if (in.read(sink) < 0) {
                            break;
                        }
                    } catch (SocketTimeoutException e) {
                        // still open, still silent
                    }
                }
            } catch (IOException e) {
                // refused or reset: try again
            }
            sleep(100);
        }
    }

    /** The longest gap in NAGIOS's successful pings, in seconds, around a flood from OUTSIDER. */
    private static double flood(int port, String nagios, String outsider, int seconds) throws Exception {
        long start = System.nanoTime();
        long floodStart = start + 1_000_000_000L;
        long floodEnd = floodStart + seconds * 1_000_000_000L;
        long end = floodEnd + 12_000_000_000L;
        AtomicLong connections = new AtomicLong();
        List<Thread> flooders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread flooder = new Thread(() -> {
                sleepUntil(floodStart);
                while (System.nanoTime() < floodEnd) {
                    try (Socket s = open(port, outsider, 1000)) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        // refused or timed out: go on
                    }
                }
            }, "flood");
            flooder.setDaemon(true);
            flooder.start();
            flooders.add(flooder);
        }
        long last = start;
        long longest = 0;
        int ok = 0;
        int pings = 0;
        while (System.nanoTime() < end) {
            long asked = System.nanoTime();
            String reply = ping(port, nagios, 3000);
            long now = System.nanoTime();
            pings++;
            if (reply.startsWith("OK pong")) {
                ok++;
                longest = Math.max(longest, now - last);
                last = now;
            }
            sleepUntil(asked + 100_000_000L);
        }
        longest = Math.max(longest, System.nanoTime() - last);
        for (Thread flooder : flooders) {
            flooder.join(5000);
        }
        System.err.printf(Locale.ROOT, "flood: %d connections from %s; %d of %d pings answered; longest gap %.3f s%n",
                connections.get(), outsider, ok, pings, longest / 1e9);
        return longest / 1e9;
    }

    /** The reply to one ping from SOURCE (without its newline), or what went wrong. */
    private static String ping(int port, String source, int timeoutMillis) {
        try (Socket s = open(port, source, timeoutMillis)) {
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = s.getInputStream().readAllBytes();
            String text = new String(reply, StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? "(closed without a reply)" : text;
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static Socket open(int port, String source, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress(HOST, port), timeoutMillis);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static String summary(List<Double> figures, int failed) {
        double[] v = figures.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        String answered = n + "/" + (n + failed);
        if (n == 0) {
            return "- | - | " + answered;
        }
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return String.format(Locale.ROOT, "%.2f s | %.2f-%.2f s | %s", median, v[0], v[n - 1], answered);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepUntil(long nanos) {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            sleep(Math.max(1, left / 1_000_000));
        }
    }
}
