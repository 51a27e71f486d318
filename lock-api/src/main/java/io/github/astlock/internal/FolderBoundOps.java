package io.github.astlock.internal;

import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileContent;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The backend's primitives with one folder pinned to its open directory descriptor: a path in
 * {@code folder} (or the folder itself) is handed to the backend as the same name under
 * {@code descriptorPath} ({@code /proc/self/fd/N}), which the kernel resolves to the directory
 * that was opened, whatever now has the folder's name. Errors name the caller's paths, not the
 * descriptor's. Paths outside the folder pass unchanged.
 */
final class FolderBoundOps implements FileOps {
    private final FileOps ops;
    private final Path folder;
    private final Path descriptorPath;

    FolderBoundOps(FileOps ops, Path folder, Path descriptorPath) {
        this.ops = ops;
        this.folder = folder;
        this.descriptorPath = descriptorPath;
    }

    private Path bound(Path p) {
        if (p.equals(folder)) {
            return descriptorPath;
        }
        Path parent = p.getParent();
        return parent != null && parent.equals(folder) ? descriptorPath.resolve(p.getFileName()) : p;
    }

    /** The same error, naming the caller's paths. */
    private static ErrnoException named(ErrnoException e, Path path, Path other) {
        ErrnoException n = new ErrnoException(e.operation(), path, other, e.errno(), e.getCause());
        n.setStackTrace(e.getStackTrace());
        return n;
    }

    @Override
    public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
        try {
            ops.createExclusive(bound(path), permissions, content);
        } catch (ErrnoException e) {
            throw named(e, path, null);
        }
    }

    @Override
    public boolean link(Path existing, Path newName) throws ErrnoException {
        try {
            return ops.link(bound(existing), bound(newName));
        } catch (ErrnoException e) {
            throw named(e, existing, newName);
        }
    }

    @Override
    public void unlink(Path path) throws ErrnoException {
        try {
            ops.unlink(bound(path));
        } catch (ErrnoException e) {
            throw named(e, path, null);
        }
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        try {
            ops.rename(bound(from), bound(to));
        } catch (ErrnoException e) {
            throw named(e, from, to);
        }
    }

    @Override
    public Optional<FileStat> lstat(Path path) throws ErrnoException {
        try {
            return ops.lstat(bound(path));
        } catch (ErrnoException e) {
            throw named(e, path, null);
        }
    }

    @Override
    public Optional<FileStat> stat(Path path) throws ErrnoException {
        try {
            return ops.stat(bound(path));
        } catch (ErrnoException e) {
            throw named(e, path, null);
        }
    }

    @Override
    public byte[] read(Path path, int maxBytes) throws ErrnoException {
        try {
            return ops.read(bound(path), maxBytes);
        } catch (ErrnoException e) {
            throw named(e, path, null);
        }
    }

    @Override
    public FileContent readWithStatus(Path path, int maxBytes) throws ErrnoException {
        try {
            return ops.readWithStatus(bound(path), maxBytes);
        } catch (ErrnoException e) {
            throw named(e, path, null);
        }
    }

    @Override
    public List<String> list(Path dir) throws ErrnoException {
        try {
            return ops.list(bound(dir));
        } catch (ErrnoException e) {
            throw named(e, dir, null);
        }
    }

    @Override
    public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
        try {
            return ops.openForFlock(bound(path), permissions);
        } catch (ErrnoException e) {
            throw named(e, path, null);
        }
    }

    @Override
    public FlockFile openDirectoryForFlock(Path dir) throws ErrnoException {
        try {
            return ops.openDirectoryForFlock(bound(dir));
        } catch (ErrnoException e) {
            throw named(e, dir, null);
        }
    }

    @Override
    public void chownLike(Path file, Path like) throws ErrnoException {
        try {
            ops.chownLike(bound(file), bound(like));
        } catch (ErrnoException e) {
            throw named(e, file, like);
        }
    }
}
