/**
 * The floor of any listener that starts a JVM per connection: reads the request line, answers "OK pong" and
 * closes the connection before the JVM exits, as the command-listener does, and nothing else.
 */
public final class Pong {
    public static void main(String[] args) throws java.io.IOException {
        for (int c = System.in.read(); c != -1 && c != '\n'; c = System.in.read()) {
            // the request line is read, not looked at
        }
        System.out.write(new byte[] {'O', 'K', ' ', 'p', 'o', 'n', 'g', '\n'});
        System.out.flush();
        System.out.close();
        System.in.close();
    }
}
