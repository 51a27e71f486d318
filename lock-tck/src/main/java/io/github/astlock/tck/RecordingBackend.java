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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the backend under test and records what the core asks of it: how many {@code link} and
 * {@code flock} attempts were made and which files were created. Every call goes to the real
 * backend unchanged.
 */
final class RecordingBackend implements LockBackendProvider {
    private final LockBackendProvider delegate;
    private final FileOps ops;
    final AtomicInteger links = new AtomicInteger();
    final AtomicInteger flocks = new AtomicInteger();
    final List<Path> created = new CopyOnWriteArrayList<>();

    RecordingBackend(LockBackendProvider delegate) {
        this.delegate = delegate;
        FileOps real = delegate.fileOps();
        this.ops = new FileOps() {
            @Override
            public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
                created.add(path);
                real.createExclusive(path, permissions, content);
            }

            @Override
            public boolean link(Path existing, Path newName) throws ErrnoException {
                links.incrementAndGet();
                return real.link(existing, newName);
            }

            @Override
            public void unlink(Path path) throws ErrnoException {
                real.unlink(path);
            }

            @Override
            public void rename(Path from, Path to) throws ErrnoException {
                real.rename(from, to);
            }

            @Override
            public Optional<FileStat> lstat(Path path) throws ErrnoException {
                return real.lstat(path);
            }

            @Override
            public Optional<FileStat> stat(Path path) throws ErrnoException {
                return real.stat(path);
            }

            @Override
            public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
                FlockFile f = real.openForFlock(path, permissions);
                return new FlockFile() {
                    @Override
                    public FileStat fstat() throws ErrnoException {
                        return f.fstat();
                    }

                    @Override
                    public boolean tryLockExclusive() throws ErrnoException {
                        flocks.incrementAndGet();
                        return f.tryLockExclusive();
                    }

                    @Override
                    public void close() throws ErrnoException {
                        f.close();
                    }
                };
            }
        };
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
    public FileOps fileOps() {
        return ops;
    }
}
