package selfheal.heal;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first {@code limit} bytes a script writes (stdout and stderr together) and counts the rest.
 * The pump keeps reading everything, so a chatty script never blocks on a full pipe.
 */
final class BoundedCapture extends OutputStream {
    private final byte[] kept;
    private int length;
    private long total;

    BoundedCapture(int limit) {
        this.kept = new byte[limit];
    }

    @Override
    public synchronized void write(int b) {
        if (length < kept.length) {
            kept[length++] = (byte) b;
        }
        total++;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int copy = Math.min(len, kept.length - length);
        System.arraycopy(b, off, kept, length, copy);
        length += copy;
        total += len;
    }

    /** What was kept, as text, with a note of how much was dropped. */
    synchronized String text() {
        String text = new String(kept, 0, length, StandardCharsets.UTF_8);
        return total > length ? text + "...(" + total + " bytes in all)" : text;
    }
}
