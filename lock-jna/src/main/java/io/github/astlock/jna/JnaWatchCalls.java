package io.github.astlock.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.InotifyWatch;
import io.github.astlock.spi.NativePath;
import java.nio.file.Path;

/**
 * The system calls of {@link InotifyWatch} through JNA's direct mapping. Bound on the first
 * wait that needs them, not when the backend loads, so a process that never waits (a CLI run on
 * a free folder) does not pay for it; when they cannot be bound the backend has no watch of its
 * own and the core uses its shared one.
 */
final class JnaWatchCalls implements InotifyWatch.Calls {
    /** {@code IN_NONBLOCK}, {@code EFD_NONBLOCK}: {@code O_NONBLOCK} on every supported architecture. */
    private static final int NONBLOCK = LinuxAbi.O_NONBLOCK;
    /** {@code IN_CLOEXEC}, {@code EFD_CLOEXEC}: {@code O_CLOEXEC}. */
    private static final int CLOEXEC = LinuxAbi.O_CLOEXEC;

    /** The direct mappings, registered once by {@link #bind}. */
    static final class Direct {
        private Direct() {
        }

        static native int inotify_init1(int flags);

        static native int inotify_add_watch(int fd, String path, int mask);

        static native int inotify_rm_watch(int fd, int wd);

        static native int eventfd(int initval, int flags);

        static native int poll(byte[] fds, long nfds, int timeout);

        static native long read(int fd, byte[] buf, long count);

        static native long write(int fd, byte[] buf, long count);

        static native int close(int fd);

        static native int statfs(String path, byte[] buf);
    }

    private static JnaWatchCalls instance;
    private static boolean failed;

    private JnaWatchCalls() {
    }

    /**
     * The bound calls, binding them on first use.
     *
     * @return the calls, or {@code null} when the C library cannot give them
     */
    static synchronized JnaWatchCalls bind() {
        if (instance == null && !failed) {
            try {
                Native.register(Direct.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                instance = new JnaWatchCalls();
            } catch (Throwable t) {
                failed = true;
            }
        }
        return instance;
    }

    @Override
    public int inotifyInit() {
        return Direct.inotify_init1(NONBLOCK | CLOEXEC);
    }

    @Override
    public int inotifyAddWatch(int fd, Path dir, int mask) throws ErrnoException {
        return Direct.inotify_add_watch(fd, NativePath.text("inotify_add_watch", dir, null, JnaFileOps.BINDING_CHARSET),
                mask);
    }

    @Override
    public int inotifyRemoveWatch(int fd, int wd) {
        return Direct.inotify_rm_watch(fd, wd);
    }

    @Override
    public int eventfd() {
        return Direct.eventfd(0, NONBLOCK | CLOEXEC);
    }

    @Override
    public int poll(byte[] fds, int nfds, int timeoutMillis) {
        return Direct.poll(fds, nfds, timeoutMillis);
    }

    @Override
    public long read(int fd, byte[] buf) {
        return Direct.read(fd, buf, buf.length);
    }

    @Override
    public long write(int fd, byte[] buf) {
        return Direct.write(fd, buf, buf.length);
    }

    @Override
    public int close(int fd) {
        return Direct.close(fd);
    }

    @Override
    public int statfs(Path dir, byte[] buf) throws ErrnoException {
        return Direct.statfs(NativePath.text("statfs", dir, null, JnaFileOps.BINDING_CHARSET), buf);
    }

    @Override
    public int errno() {
        return Native.getLastError();
    }
}
