package io.github.astlock.tck;

import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;

/**
 * An open file that passes every call on to another one. Extend it and override only the calls
 * you want to observe or change; a {@link ForwardingBackend} can return one from its
 * {@code openForFlock} or {@code openDirectoryForFlock}.
 */
public class ForwardingFlockFile implements FlockFile {
    private final FlockFile delegate;

    /**
     * Wraps an open file.
     *
     * @param delegate the open file every call goes to
     */
    public ForwardingFlockFile(FlockFile delegate) {
        this.delegate = delegate;
    }

    /**
     * The wrapped open file.
     *
     * @return the open file every call goes to
     */
    protected final FlockFile delegate() {
        return delegate;
    }

    @Override
    public FileStat fstat() throws ErrnoException {
        return delegate.fstat();
    }

    @Override
    public boolean tryLockExclusive() throws ErrnoException {
        return delegate.tryLockExclusive();
    }

    @Override
    public java.util.Optional<java.nio.file.Path> descriptorPath() {
        return delegate.descriptorPath();
    }

    @Override
    public void close() throws ErrnoException {
        delegate.close();
    }
}
