package io.github.astlock.jna;

/** The real C library, for tests to override single functions with injected faults. */
class DelegatingLibC implements LibC {
    /** The real binding. */
    final LibC real = TestSupport.libc();

    @Override
    public int openat(int dirfd, String path, int flags, int mode) {
        return real.openat(dirfd, path, flags, mode);
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
    public int linkat(int existingDir, String existing, int newDir, String newName, int flags) {
        return real.linkat(existingDir, existing, newDir, newName, flags);
    }

    @Override
    public int unlinkat(int dirfd, String path, int flags) {
        return real.unlinkat(dirfd, path, flags);
    }

    @Override
    public int renameat(int fromDir, String from, int toDir, String to) {
        return real.renameat(fromDir, from, toDir, to);
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
