package io.github.astlock.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A base for {@link FlockFile}s that wrap a numeric file descriptor: it closes the descriptor
 * exactly once and never passes it to the C library after that (the number may by then name
 * another file, opened by another thread); later calls fail with {@code EBADF}. All methods
 * synchronize on the instance, and none of them blocks ({@code flock} is called with
 * {@code LOCK_NB}), so holding the monitor is brief; only {@link #lockExclusive()}, which
 * blocks, runs outside the monitor. Backends supply the three system calls.
 */
public abstract class DescriptorFlockFile implements FlockFile {
    private final int fd;
    private final Path path;
    private boolean closed;

    /**
     * Creates an instance.
     *
     * @param fd   the open descriptor, now owned by this object
     * @param path the file's name, for messages
     */
    protected DescriptorFlockFile(int fd, Path path) {
        this.fd = fd;
        this.path = Objects.requireNonNull(path, "path");
    }

    /**
     * Returns the descriptor number.
     *
     * @return the descriptor number
     */
    public final int fd() {
        return fd;
    }

    /**
     * {@code /proc/self/fd/N} for this descriptor; empty once it is closed.
     *
     * @return the path of the open descriptor
     */
    @Override
    public final synchronized java.util.Optional<Path> descriptorPath() {
        return closed ? java.util.Optional.empty() : java.util.Optional.of(Path.of(AtPath.DESCRIPTOR_PREFIX + fd));
    }

    /**
     * Returns the file's name when it was opened.
     *
     * @return the file's name when it was opened
     */
    public final Path path() {
        return path;
    }

    /**
     * {@code fstat(fd)}.
     *
     * @param fd the open descriptor
     * @return its status
     * @throws ErrnoException on failure
     */
    protected abstract FileStat fstat(int fd) throws ErrnoException;

    /**
     * {@code flock(fd, LOCK_EX|LOCK_NB)}.
     *
     * @param fd the open descriptor
     * @return {@code true} when locked, {@code false} on {@code EWOULDBLOCK}
     * @throws ErrnoException on any other error
     */
    protected abstract boolean tryLockExclusive(int fd) throws ErrnoException;

    /**
     * {@code flock(fd, LOCK_EX)}, blocking, retried on {@code EINTR}. The default throws
     * {@link UnsupportedOperationException}.
     *
     * @param fd the open descriptor
     * @throws ErrnoException on any error of the call
     */
    protected void lockExclusive(int fd) throws ErrnoException {
        throw new UnsupportedOperationException("this backend cannot wait in flock(2)");
    }

    /**
     * {@code close(fd)}; called at most once.
     *
     * @param fd the open descriptor
     * @throws ErrnoException when close reports an error (the descriptor is released anyway)
     */
    protected abstract void close(int fd) throws ErrnoException;

    @Override
    public final synchronized FileStat fstat() throws ErrnoException {
        ensureOpen("fstat");
        return fstat(fd);
    }

    @Override
    public final synchronized boolean tryLockExclusive() throws ErrnoException {
        ensureOpen("flock");
        return tryLockExclusive(fd);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Not made under this object's monitor (it blocks); the descriptor must not be closed by
     * another thread meanwhile.
     */
    @Override
    public final void lockExclusive() throws ErrnoException {
        synchronized (this) {
            ensureOpen("flock");
        }
        lockExclusive(fd);
    }

    @Override
    public final synchronized void close() throws ErrnoException {
        if (closed) {
            return;
        }
        closed = true;
        close(fd);
    }

    private void ensureOpen(String op) throws ErrnoException {
        if (closed) {
            throw new ErrnoException(op, path, null,
                    new Errno(Errno.EBADF.name(), Errno.EBADF.number(), "the lock file descriptor is already closed"), null);
        }
    }

    @Override
    public synchronized String toString() {
        return getClass().getSimpleName() + "[" + path + ", fd " + fd + (closed ? ", closed" : "") + "]";
    }
}
