package io.github.astlock.tck.selftest;

import io.github.astlock.LockMode;
import io.github.astlock.jna.JnaBackendProvider;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import io.github.astlock.spi.LockBackendProvider;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A correct backend (jna) behind a decorator; each broken backend overrides one operation with
 * a mistake a real implementation could make. Without overrides it is an honest control.
 */
class WrappedBackend implements LockBackendProvider, FileOps {
    final LockBackendProvider real = new JnaBackendProvider();

    FileOps real() {
        return real.fileOps();
    }

    @Override
    public String id() {
        return "wrapped-" + getClass().getSimpleName().toLowerCase();
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return real.availability();
    }

    @Override
    public Set<LockMode> supportedModes() {
        return real.supportedModes();
    }

    @Override
    public FileOps fileOps() {
        return this;
    }

    @Override
    public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
        real().createExclusive(path, permissions, content);
    }

    @Override
    public boolean link(Path existing, Path newName) throws ErrnoException {
        return real().link(existing, newName);
    }

    @Override
    public void unlink(Path path) throws ErrnoException {
        real().unlink(path);
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        real().rename(from, to);
    }

    @Override
    public Optional<FileStat> lstat(Path path) throws ErrnoException {
        return real().lstat(path);
    }

    @Override
    public Optional<FileStat> stat(Path path) throws ErrnoException {
        return real().stat(path);
    }

    @Override
    public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
        return real().openForFlock(path, permissions);
    }

    @Override
    public boolean supportsDirectoryLock() {
        return real.supportsDirectoryLock();
    }

    @Override
    public byte[] read(Path path, int maxBytes) throws ErrnoException {
        return real().read(path, maxBytes);
    }

    @Override
    public java.util.List<String> list(Path dir) throws ErrnoException {
        return real().list(dir);
    }

    @Override
    public FlockFile openDirectoryForFlock(Path dir) throws ErrnoException {
        return real().openDirectoryForFlock(dir);
    }

    @Override
    public void chownLike(Path file, Path like) throws ErrnoException {
        real().chownLike(file, like);
    }
}
