package io.github.astlock.spi;

import java.io.Closeable;
import java.nio.file.Path;

/**
 * An open descriptor of a lock file, as returned by {@link FileOps#openForFlock}. The FLOCK
 * protocol keeps it open for as long as it holds the lock; closing it releases the
 * {@code flock(2)} lock. Implementations must be safe to {@link #close()} from any thread, and
 * a second close must do nothing.
 */
public interface FlockFile extends Closeable {

    /**
     * {@code fstat(2)} of the open descriptor.
     *
     * @return the status of the open file
     * @throws ErrnoException when the call fails
     */
    FileStat fstat() throws ErrnoException;

    /**
     * {@code flock(fd, LOCK_EX | LOCK_NB)}: tries once to take an exclusive lock, never blocks.
     *
     * @return {@code true} when the lock was taken, {@code false} when another open file
     *     description holds it ({@code EWOULDBLOCK})
     * @throws ErrnoException for any other error (for example {@code ENOLCK})
     */
    boolean tryLockExclusive() throws ErrnoException;

    /**
     * {@code flock(fd, LOCK_EX)}: waits in the kernel until the exclusive lock is taken. Used
     * only by a helper thread that owns this descriptor, so that a waiter learns of a release
     * the moment the kernel grants the lock instead of polling; the descriptor must not be
     * closed by another thread during the call. An interrupted system call ({@code EINTR}) is
     * retried. The default throws {@link UnsupportedOperationException}, and callers then poll
     * with {@link #tryLockExclusive()}.
     *
     * @throws ErrnoException for an error of the call (for example {@code ENOLCK} or
     *     {@code EDEADLK})
     */
    default void lockExclusive() throws ErrnoException {
        throw new UnsupportedOperationException("this backend cannot wait in flock(2)");
    }

    /**
     * A path that names this open file itself, not its name in a folder: on Linux
     * {@code /proc/self/fd/N}. Running as root, the core reaches the files of a locked folder
     * through its open directory descriptor this way, so that a folder swapped for a symbolic
     * link after it was opened cannot redirect them into another directory. Valid only while
     * this descriptor is open. The default, for backends that do not know their descriptor
     * number, is empty.
     *
     * @return the path of the open descriptor, or empty when unknown
     */
    default java.util.Optional<Path> descriptorPath() {
        return java.util.Optional.empty();
    }

    /**
     * {@code close(2)}: releases the descriptor and with it any {@code flock(2)} lock it holds.
     * Never unlinks the file.
     *
     * @throws ErrnoException when the close reports an error (the descriptor is released anyway)
     */
    @Override
    void close() throws ErrnoException;
}
