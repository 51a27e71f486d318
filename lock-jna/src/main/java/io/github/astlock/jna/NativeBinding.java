package io.github.astlock.jna;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileType;
import java.util.List;
import java.util.Optional;

/**
 * Loads JNA, binds the C library and checks that every function this backend calls exists and
 * works. The only class of the backend besides {@link JnaFileOps} that touches JNA, and it is
 * reached only from inside the provider's {@code catch (Throwable)}, so a missing JNA jar or a
 * {@code jnidispatch} that cannot be loaded turns into an unusable {@link Availability}.
 */
final class NativeBinding {
    /** The C functions called, all of which must be exported by the C library. */
    static final List<String> SYMBOLS = List.of("openat", "close", "write", "read", "linkat", "unlinkat", "renameat", "statx",
            "flock");

    private NativeBinding() {
    }

    /**
     * The outcome of a probe.
     *
     * @param availability whether the backend can run, and why (not)
     * @param ops          the operations when usable, otherwise {@code null}
     */
    record Result(Availability availability, FileOps ops) {
        /**
         * A result for a backend that cannot run.
         *
         * @param reason why the backend cannot run
         * @return an unusable result without operations
         */
        static Result unusable(String reason) {
            return new Result(Availability.unusable(reason), null);
        }
    }

    /**
     * Checks the platform, then loads JNA and binds the C library.
     *
     * @param osName the {@code os.name} to check
     * @param osArch the {@code os.arch} to check
     * @return the result; never throws for a missing native library
     */
    static Result probe(String osName, String osArch) {
        Optional<String> platformProblem = checkPlatform(osName, osArch);
        if (platformProblem.isPresent()) {
            return Result.unusable(platformProblem.get());
        }
        LinuxAbi abi = LinuxAbi.forArch(osArch).orElseThrow();
        return bind(abi);
    }

    /**
     * Checks the operating system and architecture without touching JNA.
     *
     * @param osName the {@code os.name}
     * @param osArch the {@code os.arch}
     * @return why this platform is unsupported, or empty when it is supported
     */
    static Optional<String> checkPlatform(String osName, String osArch) {
        if (!"Linux".equals(osName)) {
            return Optional.of("the jna backend runs on Linux only (" + LinuxAbi.supportedNames()
                    + "), not on " + osName + " " + osArch + ": it passes Linux's own open(2) flag values and "
                    + "statx(2); use the nio backend (io.github.astlock:lock-nio) there");
        }
        if (LinuxAbi.forArch(osArch).isEmpty()) {
            return Optional.of("the jna backend does not support the architecture '" + osArch
                    + "': its open(2) flag values (O_NOFOLLOW differs between architectures) are not in our "
                    + "table, and guessing them could follow a symbolic link; supported on Linux: "
                    + LinuxAbi.supportedNames());
        }
        return Optional.empty();
    }

    private static Result bind(LinuxAbi abi) {
        try {
            Class.forName("com.sun.jna.Native", false, NativeBinding.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Result.unusable("JNA is not on the class path or module path (add net.java.dev.jna:jna): " + e);
        }
        String jnaVersion;
        try {
            Native.getLastError(); // initializes Native, which loads jnidispatch
            // JNA's own constant: a package's manifest version is the runnable jar's, not JNA's
            jnaVersion = Native.VERSION;
        } catch (Throwable t) {
            return Result.unusable("the JNA native dispatch library (jnidispatch) cannot be loaded: " + describe(t)
                    + " (see jna.boot.library.path, jna.nosys, jna.tmpdir; a noexec temporary directory is a common cause)");
        }
        NativeLibrary c;
        try {
            c = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
        } catch (Throwable t) {
            return Result.unusable("the C library '" + Platform.C_LIBRARY_NAME + "' cannot be loaded through JNA "
                    + jnaVersion + ": " + describe(t));
        }
        for (String symbol : SYMBOLS) {
            try {
                c.getFunction(symbol);
            } catch (Throwable t) {
                return Result.unusable("the C library " + name(c) + " does not export " + symbol + "()"
                        + ("statx".equals(symbol) ? " (glibc 2.28 or later is needed)" : "") + ": " + describe(t));
            }
        }
        LibC libc;
        try {
            libc = new JnaLibC(c);
        } catch (Throwable t) {
            return Result.unusable("the C library cannot be bound through JNA " + jnaVersion + ": " + describe(t));
        }
        try {
            byte[] buf = new byte[Statx.SIZE];
            if (libc.statx(LinuxAbi.AT_FDCWD, "/", 0, LinuxAbi.STATX_BASIC_STATS, buf) != 0) {
                Errno e = Errno.of(Native.getLastError());
                return Result.unusable("statx(\"/\") failed with " + e + ": the kernel (Linux 4.11 or later is "
                        + "needed) or a seccomp filter refuses statx(2)");
            }
            if (Statx.decode(buf).type() != FileType.DIRECTORY) {
                return Result.unusable("statx(\"/\") did not report a directory: struct statx is not laid out as expected");
            }
        } catch (Throwable t) {
            return Result.unusable("calling statx(2) through JNA " + jnaVersion + " failed: " + describe(t));
        }
        String nofollow;
        try {
            nofollow = checkNofollow(libc, abi);
        } catch (Throwable t) {
            return Result.unusable("calling open(2) through JNA " + jnaVersion + " failed: " + describe(t));
        }
        if (nofollow.startsWith("!")) {
            return Result.unusable(nofollow.substring(1));
        }
        String detail = "JNA " + jnaVersion + " (" + Platform.RESOURCE_PREFIX + "), C library " + name(c)
                + libcVersion(c) + ", Linux " + abi.name() + " open(2) flags" + nofollow + ", statx(2) and flock(2); "
                + "paths encoded as " + Native.getDefaultStringEncoding();
        return new Result(Availability.usable(detail), new JnaFileOps(libc, abi));
    }

    /**
     * Verifies our {@code O_NOFOLLOW} against the kernel: opening the symbolic link
     * {@code /proc/self/exe} with it must fail with {@code ELOOP}.
     *
     * @param libc the C library
     * @param abi  the constants to check
     * @return a remark for the detail string, or a reason prefixed with {@code !} when the
     *     constant is wrong
     */
    static String checkNofollow(LibC libc, LinuxAbi abi) {
        int fd = libc.openat(LinuxAbi.AT_FDCWD, "/proc/self/exe", abi.oNofollow() | LinuxAbi.O_CLOEXEC, 0);
        if (fd >= 0) {
            libc.close(fd);
            return "!open(\"/proc/self/exe\", O_NOFOLLOW) followed the symbolic link: O_NOFOLLOW = 0"
                    + Integer.toOctalString(abi.oNofollow()) + " is wrong for this " + abi.name() + " kernel";
        }
        int errno = Native.getLastError();
        return errno == Errno.ELOOP.number() ? " (O_NOFOLLOW verified)"
                : " (O_NOFOLLOW not verified: /proc/self/exe gave " + Errno.of(errno).name() + ")";
    }

    private static String name(NativeLibrary c) {
        if (c.getFile() != null) {
            return c.getFile().toString();
        }
        // JNA binds "c" on Linux to the symbols already loaded into the process (dlopen(NULL))
        return "'" + Platform.C_LIBRARY_NAME + "' (" + c.getName() + ")";
    }

    private static String libcVersion(NativeLibrary c) {
        try {
            Function f = c.getFunction("gnu_get_libc_version");
            return " (glibc " + f.invokeString(new Object[0], false) + ")";
        } catch (Throwable notGlibc) {
            return "";
        }
    }

    private static String describe(Throwable t) {
        Throwable cause = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
        return cause.toString();
    }
}
