package selfheal.heal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS file lock on {@code <state.dir>/<group>.lock}, held while a command of that group runs, and in the
 * file the process group of the script running: the kernel drops the lock when the listener dies, however it
 * dies, but the script, in a session of its own, runs on. So a group is busy while either holds: a listener
 * holds the lock, or the process group recorded in the file still has a live process ({@link ProcessGroups}).
 * A run that ends while its listener lives clears the record; a record of a group that has ended is stale.
 * The file is opened without following a symbolic link, in a state directory that must be safe
 * ({@link SafeDirectory}); either failing is a {@link StateException}.
 */
final class GroupLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private boolean recorded;

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
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new StateException("lock file " + file + " cannot be opened (a symbolic link?): " + e, e);
        }
    }

    /**
     * The process group of a run that a listener which died left running and that still has a live process,
     * or 0. Caller holds the lock.
     */
    long runInFlight() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
            return 0;
        }
        long group;
        try {
            group = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0; // not a record of ours: nothing known to be running
        }
        return group > 0 && ProcessGroups.alive(group) ? group : 0;
    }

    /** Records that the process group {@code group} is the run in flight, on disk before it goes on. */
    void running(long group) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((group + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        recorded = true;
    }

    @Override
    public void close() throws IOException {
        try {
            if (recorded) {
                channel.truncate(0); // this lock's run has ended: nothing in flight
            }
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
