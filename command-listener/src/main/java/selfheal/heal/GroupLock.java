package selfheal.heal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS file lock on {@code <state.dir>/<group>.lock}, held while a command of that group runs. The kernel
 * drops it when the process dies, however it dies, so a crashed listener never leaves a stale lock.
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
        return FileChannel.open(file(stateDir, group), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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
