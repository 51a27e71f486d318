package io.github.astlock.jna;

/** The real C library, for tests to override single functions with injected faults. */
class DelegatingLibC implements LibC {
    /** The real binding. */
    final LibC real = TestSupport.libc();

    @Override
    public int open(String path, int flags, int mode) {
        return real.open(path, flags, mode);
    }

    @Override
    public int close(int fd) {
        return real.close(fd);
    }

    @Override
    public long write(int fd, byte[] buf, long count) {
        return real.write(fd, buf, count);
    }

    @Override
    public long read(int fd, byte[] buf, long count) {
        return real.read(fd, buf, count);
    }

    @Override
    public int link(String existing, String newName) {
        return real.link(existing, newName);
    }

    @Override
    public int unlink(String path) {
        return real.unlink(path);
    }

    @Override
    public int rename(String from, String to) {
        return real.rename(from, to);
    }

    @Override
    public int statx(int dirfd, String path, int flags, int mask, byte[] buf) {
        return real.statx(dirfd, path, flags, mask, buf);
    }

    @Override
    public int flock(int fd, int operation) {
        return real.flock(fd, operation);
    }
}
