package io.github.astlock.jnr;

import io.github.astlock.spi.DescriptorFlockFile;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import java.nio.file.Path;

/** A descriptor opened by {@link JnrFileOps#openForFlock}; closing never unlinks the file. */
final class JnrFlockFile extends DescriptorFlockFile {
    private final JnrFileOps ops;

    JnrFlockFile(JnrFileOps ops, int fd, Path path) {
        super(fd, path);
        this.ops = ops;
    }

    @Override
    protected FileStat fstat(int fd) throws ErrnoException {
        return ops.fstat(fd, path());
    }

    @Override
    protected boolean tryLockExclusive(int fd) throws ErrnoException {
        return ops.flockExclusiveNonBlocking(fd, path());
    }

    @Override
    protected void lockExclusive(int fd) throws ErrnoException {
        ops.flockExclusive(fd, path());
    }

    @Override
    protected void close(int fd) throws ErrnoException {
        ops.close(fd, path());
    }
}
