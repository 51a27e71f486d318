package io.github.astlock.tck;

import io.github.astlock.LockMode;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import io.github.astlock.spi.LockBackendProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A backend that passes every call on to another backend and serves as its own file
 * operations. Extend it and override only the calls you want to observe or change, for
 * example to count calls, inject a failure or add tracing around an existing backend; an
 * override can call the {@code super} method to reach the wrapped backend.
 */
public class ForwardingBackend implements LockBackendProvider, FileOps {
    private final LockBackendProvider delegate;

    /**
     * Wraps a backend.
     *
     * @param delegate the backend every call goes to
     */
    public ForwardingBackend(LockBackendProvider delegate) {
        this.delegate = delegate;
    }

    /**
     * The wrapped backend.
     *
     * @return the backend every call goes to
     */
    protected final LockBackendProvider delegate() {
        return delegate;
    }

    /**
     * The wrapped backend's file operations, asked for again on every call.
     *
     * @return {@code delegate().fileOps()}
     */
    protected final FileOps delegateOps() {
        return delegate.fileOps();
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public int priority() {
        return delegate.priority();
    }

    @Override
    public Availability availability() {
        return delegate.availability();
    }

    @Override
    public Set<LockMode> supportedModes() {
        return delegate.supportedModes();
    }

    @Override
    public String unsupportedModeReason(LockMode mode) {
        return delegate.unsupportedModeReason(mode);
    }

    @Override
    public boolean supportsDirectoryLock() {
        return delegate.supportsDirectoryLock();
    }

    /**
     * This object itself, so that overridden file operations take effect.
     *
     * @return {@code this}
     */
    @Override
    public FileOps fileOps() {
        return this;
    }

    @Override
    public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
        delegateOps().createExclusive(path, permissions, content);
    }

    @Override
    public boolean link(Path existing, Path newName) throws ErrnoException {
        return delegateOps().link(existing, newName);
    }

    @Override
    public void unlink(Path path) throws ErrnoException {
        delegateOps().unlink(path);
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        delegateOps().rename(from, to);
    }

    @Override
    public Optional<FileStat> lstat(Path path) throws ErrnoException {
        return delegateOps().lstat(path);
    }

    @Override
    public Optional<FileStat> stat(Path path) throws ErrnoException {
        return delegateOps().stat(path);
    }

    @Override
    public byte[] read(Path path, int maxBytes) throws ErrnoException {
        return delegateOps().read(path, maxBytes);
    }

    @Override
    public List<String> list(Path dir) throws ErrnoException {
        return delegateOps().list(dir);
    }

    @Override
    public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
        return delegateOps().openForFlock(path, permissions);
    }

    @Override
    public FlockFile openDirectoryForFlock(Path dir) throws ErrnoException {
        return delegateOps().openDirectoryForFlock(dir);
    }

    @Override
    public void chownLike(Path file, Path like) throws ErrnoException {
        delegateOps().chownLike(file, like);
    }
}
