package io.github.astlock.jna;

import io.github.astlock.spi.DescriptorFlockFile;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import java.nio.file.Path;

/** A descriptor opened by {@link JnaFileOps#openForFlock}; closing never unlinks the file. */
final class JnaFlockFile extends DescriptorFlockFile {
    private final JnaFileOps ops;

    /**
     * Creates an instance.
     *
     * @param ops  the operations that opened it
     * @param path the file's name, for messages
     * @param fd   the open descriptor, now owned by this object
     */
    JnaFlockFile(JnaFileOps ops, Path path, int fd) {
        super(fd, path);
        this.ops = ops;
    }

    @Override
    protected FileStat fstat(int fd) throws ErrnoException {
        return ops.fstat(fd, path());
    }

    @Override
    protected boolean tryLockExclusive(int fd) throws ErrnoException {
        return ops.tryLockExclusive(fd, path());
    }

    @Override
    protected void lockExclusive(int fd) throws ErrnoException {
        ops.lockExclusive(fd, path());
    }

    @Override
    protected void close(int fd) throws ErrnoException {
        ops.close(fd, path());
    }
}
