import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Stand-in for command-listener until it lands: reads one request line, answers ping. */
public final class StandinListener {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line = in.readLine();
        System.out.println("ping".equals(line == null ? null : line.trim()) ? "OK pong" : "ERR bad-request");
        System.out.flush();
    }
}
