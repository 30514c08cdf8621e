package selfheal.heal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The listener's real per-connection run (as its main starts it), in a process that then stays alive until
 * a test releases it: shows what a client sees between the reply and the JVM's exit. After the run it also writes to stdout and
 * stderr, which must reach nobody. Usage: {@code LingeringListener RELEASE DONE <listener args>}; writes the
 * exit code to DONE when released (or after 20 s).
 */
final class LingeringListener {
    private LingeringListener() {
    }

    public static void main(String[] args) throws Exception {
        Path release = Path.of(args[0]);
        Path done = Path.of(args[1]);
        String[] rest = new String[args.length - 2];
        System.arraycopy(args, 2, rest, 0, rest.length);
        int code = CommandListener.forThisProcess().run(System.in, new FileOutputStream(FileDescriptor.out), rest);
        System.out.println("late stdout");
        System.out.flush();
        System.err.println("late stderr");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!Files.exists(release) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Files.writeString(done, Integer.toString(code), StandardCharsets.US_ASCII);
        System.exit(code);
    }
}
