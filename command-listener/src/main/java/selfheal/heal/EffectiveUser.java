package selfheal.heal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The user this process acts as: the one that must own its state, and may own its configuration. */
final class EffectiveUser {
    /** The effective uid, read once; -1 if /proc/self/status cannot be read. */
    static final long UID = read();

    private EffectiveUser() {
    }

    /** The "Uid:" line of /proc/self/status is real, effective, saved and file-system uid. */
    private static long read() {
        try {
            String status = new String(Files.readAllBytes(Path.of("/proc/self/status")), StandardCharsets.US_ASCII);
            int at = status.indexOf("\nUid:");
            if (at < 0) {
                return -1;
            }
            int end = status.indexOf('\n', at + 1);
            String[] ids = status.substring(at + 5, end < 0 ? status.length() : end).trim().split("\t");
            return Long.parseLong(ids[ids.length > 1 ? 1 : 0].trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
