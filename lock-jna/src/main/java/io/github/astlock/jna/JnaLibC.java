package io.github.astlock.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The C library through JNA's <em>direct mapping</em> ({@code static native} methods registered
 * with {@link Native#register(Class, NativeLibrary)}), which costs about a third of an
 * interface-mapped call.
 *
 * <p>{@code openat(2)} is declared variadic in C ({@code int openat(int, const char *, int, ...)}),
 * which direct mapping cannot express; it is bound here with its mode as a fourth fixed
 * {@code int}. That passes the mode exactly as a variadic call would on every architecture this
 * backend supports ({@link LinuxAbi}): on x86-64, AArch64 and RISC-V 64 an integer argument after
 * the named ones travels in the next integer register whether the callee is variadic or not (on
 * x86-64 a variadic callee also reads {@code %al}, the number of vector registers used, which the
 * call sets to zero for integer arguments), and the C library reads the mode only when the flags
 * create a file. An interface-mapped variadic call instead went through JNA's reflective
 * proxy on each of the three opens of a lock and release.
 *
 * <p>Every call records {@code errno}, for {@link Native#getLastError()}. Create it only after
 * checking that the library exports every function: registering a missing one throws
 * {@link UnsatisfiedLinkError}.
 */
final class JnaLibC implements LibC {

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

        /** @see LibC#openat(int, String, int, int) */
        static native int openat(int dirfd, String path, int flags, int mode);

        /** @see LibC#close(int) */
        static native int close(int fd);

        /** @see LibC#write(int, byte[], long) */
        static native long write(int fd, byte[] buf, long count);

        static native long read(int fd, byte[] buf, long count);

        /** @see LibC#linkat(int, String, int, String, int) */
        static native int linkat(int existingDir, String existing, int newDir, String newName, int flags);

        /** @see LibC#unlinkat(int, String, int) */
        static native int unlinkat(int dirfd, String path, int flags);

        /** @see LibC#renameat(int, String, int, String) */
        static native int renameat(int fromDir, String from, int toDir, String to);

        /** @see LibC#statx(int, String, int, int, byte[]) */
        static native int statx(int dirfd, String path, int flags, int mask, byte[] buf);

        /** @see LibC#flock(int, int) */
        static native int flock(int fd, int operation);
    }

    /**
     * Binds the functions of a library; registers the direct mappings on first use.
     *
     * @param c the C library
     */
    JnaLibC(NativeLibrary c) {
        Direct.register(c);
    }

    @Override
    public int openat(int dirfd, String path, int flags, int mode) {
        return Direct.openat(dirfd, path, flags, mode);
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
    public int linkat(int existingDir, String existing, int newDir, String newName, int flags) {
        return Direct.linkat(existingDir, existing, newDir, newName, flags);
    }

    @Override
    public int unlinkat(int dirfd, String path, int flags) {
        return Direct.unlinkat(dirfd, path, flags);
    }

    @Override
    public int renameat(int fromDir, String from, int toDir, String to) {
        return Direct.renameat(fromDir, from, toDir, to);
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
