package io.github.astlock.jna;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Path;

/**
 * A descriptor opened by {@link JnaFileOps#openForFlock}. All methods synchronize on the
 * instance, so the descriptor number is never used after it was closed (it could by then
 * belong to another file opened by another thread); none of them blocks, since {@code flock}
 * is called with {@code LOCK_NB}. After {@link #close()} the other methods fail with
 * {@code EBADF} without calling the C library.
 */
final class JnaFlockFile implements FlockFile {
    private final JnaFileOps ops;
    private final Path path;
    private final int fd;
    private boolean closed;

    /**
     * @param ops  the operations that opened it
     * @param path the file's name, for messages
     * @param fd   the open descriptor, now owned by this object
     */
    JnaFlockFile(JnaFileOps ops, Path path, int fd) {
        this.ops = ops;
        this.path = path;
        this.fd = fd;
    }

    /** @return the descriptor number, for tests */
    int fd() {
        return fd;
    }

    @Override
    public synchronized FileStat fstat() throws ErrnoException {
        checkOpen("fstat");
        return ops.fstat(fd, path);
    }

    @Override
    public synchronized boolean tryLockExclusive() throws ErrnoException {
        checkOpen("flock");
        return ops.tryLockExclusive(fd, path);
    }

    @Override
    public synchronized void close() throws ErrnoException {
        if (closed) {
            return;
        }
        closed = true;
        ops.close(fd, path);
    }

    private void checkOpen(String op) throws ErrnoException {
        if (closed) {
            throw new ErrnoException(op, path, null,
                    new Errno(Errno.EBADF.name(), Errno.EBADF.number(), "descriptor already closed"), null);
        }
    }

    @Override
    public synchronized String toString() {
        return "JnaFlockFile[" + path + ", fd " + fd + (closed ? ", closed]" : "]");
    }
}
