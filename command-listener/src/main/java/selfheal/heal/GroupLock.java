package selfheal.heal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS file lock on {@code <state.dir>/<group>.lock}, held while a command of that group runs. The kernel
 * drops it when the process dies, however it dies, so a crashed listener never leaves a stale lock. The file is
 * opened without following a symbolic link, in a state directory that must be safe ({@link SafeDirectory});
 * either failing is a {@link StateException}.
 */
final class GroupLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private GroupLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static Path file(Path stateDir, String group) {
        return stateDir.resolve(group + ".lock");
    }

    /** The lock, or null at once when another process holds it. */
    static GroupLock tryAcquire(Path stateDir, String group) throws IOException {
        FileChannel channel = open(stateDir, group);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another thread of this JVM: just as busy
            }
            if (lock == null) {
                channel.close();
                return null;
            }
            return new GroupLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Waits for the lock: for the operator's --reset, which must not race a running command. */
    static GroupLock acquire(Path stateDir, String group) throws IOException {
        FileChannel channel = open(stateDir, group);
        try {
            return new GroupLock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static FileChannel open(Path stateDir, String group) throws IOException {
        SafeDirectory.requireState(stateDir);
        Path file = file(stateDir, group);
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new StateException("lock file " + file + " cannot be opened (a symbolic link?): " + e, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
