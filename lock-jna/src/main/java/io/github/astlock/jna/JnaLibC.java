package io.github.astlock.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The C library through JNA. Fixed-argument functions use JNA's <em>direct mapping</em>
 * ({@code static native} methods registered with {@link Native#register(Class, NativeLibrary)}),
 * which costs about a third of an interface-mapped call. {@code open(2)} is variadic, which
 * direct mapping cannot express, so it alone goes through an interface-mapped proxy declared
 * with a trailing {@code Object...}: JNA then uses the variadic calling convention.
 *
 * <p>Both mappings record {@code errno} after every call, for {@link Native#getLastError()}.
 * Create it only after checking that the library exports every function: registering a
 * missing one throws {@link UnsatisfiedLinkError}.
 */
final class JnaLibC implements LibC {

    /** The interface mapping of the one variadic function. */
    interface Variadic extends Library {
        /**
         * {@code int open(const char *path, int flags, ...)}.
         *
         * @param path  the path
         * @param flags the {@code O_*} flags
         * @param mode  the permission bits, one {@link Integer}
         * @return the descriptor, or {@code -1}
         */
        int open(String path, int flags, Object... mode);
    }

    /**
     * The direct mappings: each {@code static native} method is bound to the C function of the
     * same name by {@link Native#register(Class, NativeLibrary)}.
     */
    static final class Direct {
        private static boolean registered;

        private Direct() {
        }

        /**
         * Registers the natives of this class with the library, once.
         *
         * @param c the C library
         */
        static synchronized void register(NativeLibrary c) {
            if (!registered) {
                Native.register(Direct.class, c);
                registered = true;
            }
        }

        /** @see LibC#close(int) */
        static native int close(int fd);

        /** @see LibC#write(int, byte[], long) */
        static native long write(int fd, byte[] buf, long count);

        static native long read(int fd, byte[] buf, long count);

        /** @see LibC#link(String, String) */
        static native int link(String existing, String newName);

        /** @see LibC#unlink(String) */
        static native int unlink(String path);

        /** @see LibC#rename(String, String) */
        static native int rename(String from, String to);

        /** @see LibC#statx(int, String, int, int, byte[]) */
        static native int statx(int dirfd, String path, int flags, int mask, byte[] buf);

        /** @see LibC#flock(int, int) */
        static native int flock(int fd, int operation);
    }

    private final Variadic variadic;

    /**
     * Binds the functions of a library; registers the direct mappings on first use.
     *
     * @param c the C library
     */
    JnaLibC(NativeLibrary c) {
        Direct.register(c);
        this.variadic = Native.load(Platform.C_LIBRARY_NAME, Variadic.class);
    }

    @Override
    public int open(String path, int flags, int mode) {
        return variadic.open(path, flags, mode);
    }

    @Override
    public int close(int fd) {
        return Direct.close(fd);
    }

    @Override
    public long write(int fd, byte[] buf, long count) {
        return Direct.write(fd, buf, count);
    }

    @Override
    public long read(int fd, byte[] buf, long count) {
        return Direct.read(fd, buf, count);
    }

    @Override
    public int link(String existing, String newName) {
        return Direct.link(existing, newName);
    }

    @Override
    public int unlink(String path) {
        return Direct.unlink(path);
    }

    @Override
    public int rename(String from, String to) {
        return Direct.rename(from, to);
    }

    @Override
    public int statx(int dirfd, String path, int flags, int mask, byte[] buf) {
        return Direct.statx(dirfd, path, flags, mask, buf);
    }

    @Override
    public int flock(int fd, int operation) {
        return Direct.flock(fd, operation);
    }
}
