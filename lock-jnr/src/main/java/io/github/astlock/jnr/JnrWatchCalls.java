package io.github.astlock.jnr;

import io.github.astlock.jnr.calls.JnrWatchNatives;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.InotifyWatch;
import io.github.astlock.spi.NativePath;
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

    @Override
    public int inotifyInit() {
        return c.inotify_init1(flags);
    }

    @Override
    public int inotifyAddWatch(int fd, Path dir, int mask) throws ErrnoException {
        return c.inotify_add_watch(fd, NativePath.text("inotify_add_watch", dir, null, FFI_CHARSET), mask);
    }

    @Override
    public int inotifyRemoveWatch(int fd, int wd) {
        return c.inotify_rm_watch(fd, wd);
    }

    @Override
    public int eventfd() {
        return c.eventfd(0, flags);
    }

    @Override
    public int poll(byte[] fds, int nfds, int timeoutMillis) {
        return c.poll(fds, nfds, timeoutMillis);
    }

    @Override
    public long read(int fd, byte[] buf) {
        return c.read(fd, buf, buf.length);
    }

    @Override
    public long write(int fd, byte[] buf) {
        return c.write(fd, buf, buf.length);
    }

    @Override
    public int close(int fd) {
        return c.close(fd);
    }

    @Override
    public int statfs(Path dir, byte[] buf) throws ErrnoException {
        return c.statfs(NativePath.text("statfs", dir, null, FFI_CHARSET), buf);
    }

    @Override
    public int errno() {
        return posix.errno();
    }
}
