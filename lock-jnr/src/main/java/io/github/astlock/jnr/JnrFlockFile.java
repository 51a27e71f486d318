package io.github.astlock.jnr;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Path;

/**
 * A descriptor opened by {@link JnrFileOps#openForFlock}. All methods are synchronized: the
 * descriptor number is closed exactly once, and never used after it was closed (when the number
 * could already name another file opened by another thread). {@code tryLockExclusive} never
 * blocks, so holding the monitor is brief. Closing never unlinks the file.
 */
final class JnrFlockFile implements FlockFile {
    private final JnrFileOps ops;
    private final int fd;
    private final Path path;
    private boolean closed;

    JnrFlockFile(JnrFileOps ops, int fd, Path path) {
        this.ops = ops;
        this.fd = fd;
        this.path = path;
    }

    @Override
    public synchronized FileStat fstat() throws ErrnoException {
        ensureOpen("fstat");
        return ops.fstat(fd, path);
    }

    @Override
    public synchronized boolean tryLockExclusive() throws ErrnoException {
        ensureOpen("flock");
        return ops.flockExclusiveNonBlocking(fd, path);
    }

    @Override
    public synchronized void close() throws ErrnoException {
        if (closed) {
            return;
        }
        closed = true;
        ops.close(fd, path);
    }

    private void ensureOpen(String op) throws ErrnoException {
        if (closed) {
            throw new ErrnoException(op, path, null,
                    new Errno(Errno.EBADF.name(), Errno.EBADF.number(), "the lock file descriptor is already closed"),
                    null);
        }
    }

    @Override
    public synchronized String toString() {
        return "JnrFlockFile[" + path + ", fd " + fd + (closed ? ", closed" : "") + "]";
    }
}
