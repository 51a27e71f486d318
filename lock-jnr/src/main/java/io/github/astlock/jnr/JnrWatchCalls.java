package io.github.astlock.jnr;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.InotifyWatch;
import io.github.astlock.spi.NativePath;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.posix.POSIX;

/**
 * The system calls of {@link InotifyWatch}, which jnr-posix does not bind, bound to the C library
 * with jnr-ffi on the first wait that needs them. jnr-ffi saves {@code errno} after these calls
 * in the same per-thread place as after jnr-posix's, so {@link POSIX#errno()} reads it.
 */
final class JnrWatchCalls implements InotifyWatch.Calls {
    /** Room for {@code struct statfs} (120 bytes on 64-bit Linux). */
    private static final int STATFS_SIZE = 256;
    private static final Charset FFI_CHARSET = Charset.defaultCharset();

    private static JnrWatchCalls bound;
    private static boolean failed;

    private final POSIX posix;
    private final JnrWatchNatives c;
    private final int flags;

    private JnrWatchCalls(POSIX posix, JnrWatchNatives c, int flags) {
        this.posix = posix;
        this.c = c;
        this.flags = flags;
    }

    /**
     * The bound calls, binding them on first use; one instance, so that the watches' instances
     * are reused across waits (see {@link InotifyWatch}).
     *
     * @param posix    the POSIX layer, whose {@code errno()} reads the saved error
     * @param nonblock {@code O_NONBLOCK}, which is also {@code IN_NONBLOCK} and {@code EFD_NONBLOCK}
     * @param cloexec  {@code O_CLOEXEC}, which is also {@code IN_CLOEXEC} and {@code EFD_CLOEXEC}
     * @return the calls, or {@code null} when jnr-ffi cannot bind them
     */
    static synchronized JnrWatchCalls bind(POSIX posix, int nonblock, int cloexec) {
        if (bound == null && !failed) {
            try {
                bound = new JnrWatchCalls(posix, LibraryLoader.create(JnrWatchNatives.class).failImmediately().load("c"),
                        nonblock | cloexec);
            } catch (Throwable t) {
                failed = true;
            }
        }
        return bound;
    }

    private ErrnoException failure(String op, Path path) {
        return new ErrnoException(op, path, Errno.of(posix.errno()));
    }

    @Override
    public int inotifyInit(Path dir) throws ErrnoException {
        int fd = c.inotify_init1(flags);
        if (fd < 0) {
            throw failure("inotify_init1", dir);
        }
        return fd;
    }

    @Override
    public int inotifyAddWatch(int fd, Path dir, int mask) throws ErrnoException {
        int wd = c.inotify_add_watch(fd, NativePath.text("inotify_add_watch", dir, null, FFI_CHARSET), mask);
        if (wd < 0) {
            throw failure("inotify_add_watch", dir);
        }
        return wd;
    }

    @Override
    public void inotifyRemoveWatch(int fd, int wd) {
        c.inotify_rm_watch(fd, wd);
    }

    @Override
    public int eventfd(Path dir) throws ErrnoException {
        int fd = c.eventfd(0, flags);
        if (fd < 0) {
            throw failure("eventfd", dir);
        }
        return fd;
    }

    @Override
    public int poll(byte[] fds, int nfds, int timeoutMillis, Path dir) throws ErrnoException {
        int n = c.poll(fds, nfds, timeoutMillis);
        if (n < 0) {
            int errno = posix.errno();
            if (errno == Errno.EINTR.number()) {
                return -1;
            }
            throw new ErrnoException("poll", dir, Errno.of(errno));
        }
        return n;
    }

    @Override
    public long read(int fd, byte[] buf, Path dir) throws ErrnoException {
        long n = c.read(fd, buf, buf.length);
        if (n < 0) {
            int errno = posix.errno();
            if (errno == Errno.EAGAIN.number() || errno == Errno.EINTR.number()) {
                return -1;
            }
            throw new ErrnoException("read", dir, Errno.of(errno));
        }
        return n;
    }

    @Override
    public void write(int fd, byte[] buf) {
        c.write(fd, buf, buf.length);
    }

    @Override
    public void close(int fd) {
        c.close(fd);
    }

    @Override
    public long fileSystemType(Path dir) throws ErrnoException {
        byte[] buf = new byte[STATFS_SIZE];
        if (c.statfs(NativePath.text("statfs", dir, null, FFI_CHARSET), buf) != 0) {
            throw failure("statfs", dir);
        }
        // f_type is the first field, a long on 64-bit Linux
        return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong(0);
    }
}
