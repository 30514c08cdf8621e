import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** Stand-in for check_worker until it lands: one HTTP GET, a crude status read, a Nagios line. */
public final class StandinCheck {
    public static void main(String[] args) throws Exception {
        System.exit(run(args[0]));
    }

    static int run(String url) throws Exception {
        long start = System.nanoTime();
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(10_000);
        String body;
        try (InputStream in = connection.getInputStream()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean pass = body.contains("\"status\": \"pass\"");
        System.out.println("WORKER " + (pass ? "OK" : "CRITICAL") + " - status " + (pass ? "pass" : "?")
                + " | time=" + String.format("%.6f", seconds) + "s");
        return pass ? 0 : 2;
    }
}
