package selfheal.heal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whether a directory the listener keeps state or its audit log in is closed to other users: a real
 * directory (not a symbolic link), owned by this process's effective user (the audit log's also by root),
 * writable by neither group nor others. Anyone else who could write to it could delete a budget ledger,
 * plant a symbolic link where a state file goes, or a marker that {@code --reset} cannot remove. Costs one
 * lstat.
 */
final class SafeDirectory {
    private static final int GROUP_OR_OTHERS_WRITE = 0022;

    private SafeDirectory() {
    }

    /** Null when {@code dir} is safe, else why not, e.g. "/x is writable by group or others (mode 1777)". */
    static String problem(Path dir, boolean rootMayOwn) {
        int mode;
        int uid;
        try {
            if (Files.isSymbolicLink(dir)) {
                return dir + " is a symbolic link";
            }
            mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return dir + " cannot be examined: " + e;
        }
        if ((mode & 0170000) != 0040000) {
            return dir + " is not a directory";
        }
        if (uid != EffectiveUser.UID && !(rootMayOwn && uid == 0)) {
            return dir + " is owned by uid " + uid + ", not by this user (uid " + EffectiveUser.UID + ")";
        }
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
            return dir + " is writable by group or others (mode " + Integer.toOctalString(mode & 07777) + ")";
        }
        return null;
    }

    /** The state directory, or a StateException saying why it is not to be trusted. */
    static void requireState(Path stateDir) throws StateException {
        String problem = problem(stateDir, false);
        if (problem != null) {
            throw new StateException("state.dir: " + problem);
        }
    }
}
