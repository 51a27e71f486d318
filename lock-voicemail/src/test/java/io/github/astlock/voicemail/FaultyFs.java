package io.github.astlock.voicemail;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A file system that "crashes" at the k-th changing operation: that operation fails with EIO
 * before doing anything, and so does every operation after it, reads included, as if the process
 * had died there. With {@code k = 0} it only counts and records the steps.
 */
class FaultyFs implements SpoolFs {
    private final SpoolFs real = NioSpoolFs.INSTANCE;
    private final int crashAt;
    private int steps;
    private boolean dead;
    final List<String> log = new ArrayList<>();

    FaultyFs(int crashAt) {
        this.crashAt = crashAt;
    }

    int steps() {
        return steps;
    }

    boolean crashed() {
        return dead;
    }

    private void read(String op, Path p) throws ErrnoException {
        if (dead) {
            throw new ErrnoException(op, p, Errno.EIO);
        }
    }

    private void step(String op, Path p) throws ErrnoException {
        read(op, p);
        steps++;
        log.add(op + " " + p.getFileName());
        if (steps == crashAt) {
            dead = true;
            throw new ErrnoException(op, p, Errno.EIO);
        }
    }

    @Override
    public List<String> list(Path dir) throws ErrnoException {
        read("opendir", dir);
        return real.list(dir);
    }

    @Override
    public Optional<Attrs> stat(Path path) throws ErrnoException {
        read("lstat", path);
        return real.stat(path);
    }

    @Override
    public byte[] read(Path path) throws ErrnoException {
        read("read", path);
        return real.read(path);
    }

    @Override
    public void create(Path path, byte[] content) throws ErrnoException {
        step("create", path);
        real.create(path, content);
    }

    @Override
    public void copy(Path from, Path to) throws ErrnoException {
        step("copy", to);
        real.copy(from, to);
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        step("rename", from);
        real.rename(from, to);
    }

    @Override
    public void unlink(Path path) throws ErrnoException {
        step("unlink", path);
        real.unlink(path);
    }

    @Override
    public void mkdir(Path dir) throws ErrnoException {
        step("mkdir", dir);
        real.mkdir(dir);
    }

    @Override
    public void chmod(Path path, int mode) throws ErrnoException {
        step("chmod", path);
        real.chmod(path, mode);
    }

    @Override
    public void syncDir(Path dir) throws ErrnoException {
        step("fsync", dir);
        real.syncDir(dir);
    }
}
