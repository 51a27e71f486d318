package io.github.astlock.tck;

import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FlockFile;
import io.github.astlock.spi.LockBackendProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the backend under test and records what the core asks of it: how many {@code link} and
 * {@code flock} attempts were made and which files were created. Every call goes to the real
 * backend unchanged.
 */
final class RecordingBackend extends ForwardingBackend {
    final AtomicInteger links = new AtomicInteger();
    final AtomicInteger flocks = new AtomicInteger();
    final List<Path> created = new CopyOnWriteArrayList<>();

    RecordingBackend(LockBackendProvider delegate) {
        super(delegate);
    }

    /**
     * Never: the recorded runs exercise the protocols without a directory lock.
     *
     * @return {@code false}
     */
    @Override
    public boolean supportsDirectoryLock() {
        return false;
    }

    @Override
    public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
        created.add(path);
        super.createExclusive(path, permissions, content);
    }

    @Override
    public boolean link(Path existing, Path newName) throws ErrnoException {
        links.incrementAndGet();
        return super.link(existing, newName);
    }

    @Override
    public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
        return new ForwardingFlockFile(super.openForFlock(path, permissions)) {
            @Override
            public boolean tryLockExclusive() throws ErrnoException {
                flocks.incrementAndGet();
                return super.tryLockExclusive();
            }
        };
    }
}
