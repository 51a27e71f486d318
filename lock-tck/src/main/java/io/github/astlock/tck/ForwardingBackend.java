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
 *
 * <p>Running as root, the core reaches the files of a locked folder through the folder's open
 * descriptor ({@code /proc/self/fd/N/.lock}) when the backend's directory descriptor tells its
 * path. So that overrides see the folder's own paths ({@code <folder>/.lock}), this wrapper
 * hides that path by default; the core then checks the folder's path once instead. Wrap with
 * {@code pinFolders} set to keep it.
 */
public class ForwardingBackend implements LockBackendProvider, FileOps {
    private final LockBackendProvider delegate;
    private final boolean pinFolders;

    /**
     * Wraps a backend, hiding the path of directory descriptors (see the class comment).
     *
     * @param delegate the backend every call goes to
     */
    public ForwardingBackend(LockBackendProvider delegate) {
        this(delegate, false);
    }

    /**
     * Wraps a backend.
     *
     * @param delegate   the backend every call goes to
     * @param pinFolders whether directory descriptors keep telling their path, so that a root
     *                   run reaches a locked folder's files through it
     */
    public ForwardingBackend(LockBackendProvider delegate, boolean pinFolders) {
        this.delegate = delegate;
        this.pinFolders = pinFolders;
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
        FlockFile opened = delegateOps().openDirectoryForFlock(dir);
        return pinFolders ? opened : new ForwardingFlockFile(opened) {
            @Override
            public Optional<Path> descriptorPath() {
                return Optional.empty();
            }
        };
    }

    @Override
    public void chownLike(Path file, Path like) throws ErrnoException {
        delegateOps().chownLike(file, like);
    }

    @Override
    public Optional<io.github.astlock.spi.ReleaseWatch> watchForRelease(Path dir) throws ErrnoException {
        return delegateOps().watchForRelease(dir);
    }
}
