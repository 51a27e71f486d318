package io.github.astlock.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.InotifyWatch;
import io.github.astlock.spi.NativePath;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    /** Room for {@code struct statfs} (120 bytes on the supported 64-bit architectures). */
    private static final int STATFS_SIZE = 256;

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

    private static ErrnoException failure(String op, Path path) {
        return new ErrnoException(op, path, Errno.of(Native.getLastError()));
    }

    @Override
    public int inotifyInit(Path dir) throws ErrnoException {
        int fd = Direct.inotify_init1(NONBLOCK | CLOEXEC);
        if (fd < 0) {
            throw failure("inotify_init1", dir);
        }
        return fd;
    }

    @Override
    public int inotifyAddWatch(int fd, Path dir, int mask) throws ErrnoException {
        String text = NativePath.text("inotify_add_watch", dir, null, JnaFileOps.BINDING_CHARSET);
        int wd = Direct.inotify_add_watch(fd, text, mask);
        if (wd < 0) {
            throw failure("inotify_add_watch", dir);
        }
        return wd;
    }

    @Override
    public void inotifyRemoveWatch(int fd, int wd) {
        Direct.inotify_rm_watch(fd, wd);
    }

    @Override
    public int eventfd(Path dir) throws ErrnoException {
        int fd = Direct.eventfd(0, NONBLOCK | CLOEXEC);
        if (fd < 0) {
            throw failure("eventfd", dir);
        }
        return fd;
    }

    @Override
    public int poll(byte[] fds, int nfds, int timeoutMillis, Path dir) throws ErrnoException {
        int n = Direct.poll(fds, nfds, timeoutMillis);
        if (n < 0) {
            int errno = Native.getLastError();
            if (errno == Errno.EINTR.number()) {
                return -1;
            }
            throw new ErrnoException("poll", dir, Errno.of(errno));
        }
        return n;
    }

    @Override
    public long read(int fd, byte[] buf, Path dir) throws ErrnoException {
        long n = Direct.read(fd, buf, buf.length);
        if (n < 0) {
            int errno = Native.getLastError();
            if (errno == Errno.EAGAIN.number() || errno == Errno.EINTR.number()) {
                return -1;
            }
            throw new ErrnoException("read", dir, Errno.of(errno));
        }
        return n;
    }

    @Override
    public void write(int fd, byte[] buf) {
        Direct.write(fd, buf, buf.length);
    }

    @Override
    public void close(int fd) {
        Direct.close(fd);
    }

    @Override
    public long fileSystemType(Path dir) throws ErrnoException {
        String text = NativePath.text("statfs", dir, null, JnaFileOps.BINDING_CHARSET);
        byte[] buf = new byte[STATFS_SIZE];
        if (Direct.statfs(text, buf) != 0) {
            throw failure("statfs", dir);
        }
        // f_type is the first field, a long on the supported 64-bit architectures
        return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong(0);
    }
}
