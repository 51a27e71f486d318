package io.github.astlock.jna;

import com.sun.jna.Function;
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
 * <p>Registering the direct mappings sets up JNA's type descriptions (structures read by
 * reflection, annotations, proxies), which costs a command that takes one lock a noticeable part
 * of its start-up. So the first {@value #CALLS_BEFORE_DIRECT} calls of an instance go through
 * JNA's {@link Function} objects instead, with the same arguments, result and {@code errno}, and
 * only then are the direct mappings registered; a process that takes a lock or two never pays
 * for them. Every function is bound both ways: a new one needs a {@link Function} field and a
 * {@code direct()} choice like the others.
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

        /**
         * Returns whether the natives are registered already.
         *
         * @return whether the natives are registered already
         */
        static synchronized boolean registered() {
            return registered;
        }

        /** @see LibC#openat(int, String, int, int) */
        static native int openat(int dirfd, String path, int flags, int mode);

        /** @see LibC#close(int) */
        static native int close(int fd);

        /** @see LibC#write(int, byte[], long) */
        static native long write(int fd, byte[] buf, long count);

        /** @see LibC#read(int, byte[], long) */
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

    /** How many calls of an instance go through {@link Function} objects before the direct mappings are registered. */
    static final int CALLS_BEFORE_DIRECT = 64;

    private final NativeLibrary c;
    private final int callsBeforeDirect;
    /** Calls made so far through {@link Function} objects; a count lost to a race only delays the switch. */
    private int calls;
    private volatile boolean direct;

    private final Function openat;
    private final Function close;
    private final Function write;
    private final Function read;
    private final Function linkat;
    private final Function unlinkat;
    private final Function renameat;
    private final Function statx;
    private final Function flock;

    /**
     * Binds the functions of a library; registers the direct mappings after
     * {@value #CALLS_BEFORE_DIRECT} calls.
     *
     * @param c the C library
     */
    JnaLibC(NativeLibrary c) {
        this(c, CALLS_BEFORE_DIRECT);
    }

    /**
     * Binds the functions of a library.
     *
     * @param c                 the C library
     * @param callsBeforeDirect how many calls go through {@link Function} objects first;
     *                          {@link Integer#MAX_VALUE}: all of them, even when the direct
     *                          mappings are registered already (for tests)
     */
    JnaLibC(NativeLibrary c, int callsBeforeDirect) {
        this.c = c;
        this.callsBeforeDirect = callsBeforeDirect;
        openat = c.getFunction("openat");
        close = c.getFunction("close");
        write = c.getFunction("write");
        read = c.getFunction("read");
        linkat = c.getFunction("linkat");
        unlinkat = c.getFunction("unlinkat");
        renameat = c.getFunction("renameat");
        statx = c.getFunction("statx");
        flock = c.getFunction("flock");
        direct = Direct.registered() && callsBeforeDirect < Integer.MAX_VALUE;
    }

    /** Whether to call through the direct mappings; registers them when the time has come. */
    private boolean direct() {
        if (direct) {
            return true;
        }
        if (++calls <= callsBeforeDirect) {
            return false;
        }
        Direct.register(c);
        direct = true;
        return true;
    }

    @Override
    public int openat(int dirfd, String path, int flags, int mode) {
        return direct() ? Direct.openat(dirfd, path, flags, mode) : openat.invokeInt(new Object[] {dirfd, path, flags, mode});
    }

    @Override
    public int close(int fd) {
        return direct() ? Direct.close(fd) : close.invokeInt(new Object[] {fd});
    }

    @Override
    public long write(int fd, byte[] buf, long count) {
        return direct() ? Direct.write(fd, buf, count) : write.invokeLong(new Object[] {fd, buf, count});
    }

    @Override
    public long read(int fd, byte[] buf, long count) {
        return direct() ? Direct.read(fd, buf, count) : read.invokeLong(new Object[] {fd, buf, count});
    }

    @Override
    public int linkat(int existingDir, String existing, int newDir, String newName, int flags) {
        return direct() ? Direct.linkat(existingDir, existing, newDir, newName, flags)
                : linkat.invokeInt(new Object[] {existingDir, existing, newDir, newName, flags});
    }

    @Override
    public int unlinkat(int dirfd, String path, int flags) {
        return direct() ? Direct.unlinkat(dirfd, path, flags) : unlinkat.invokeInt(new Object[] {dirfd, path, flags});
    }

    @Override
    public int renameat(int fromDir, String from, int toDir, String to) {
        return direct() ? Direct.renameat(fromDir, from, toDir, to)
                : renameat.invokeInt(new Object[] {fromDir, from, toDir, to});
    }

    @Override
    public int statx(int dirfd, String path, int flags, int mask, byte[] buf) {
        return direct() ? Direct.statx(dirfd, path, flags, mask, buf)
                : statx.invokeInt(new Object[] {dirfd, path, flags, mask, buf});
    }

    @Override
    public int flock(int fd, int operation) {
        return direct() ? Direct.flock(fd, operation) : flock.invokeInt(new Object[] {fd, operation});
    }
}
