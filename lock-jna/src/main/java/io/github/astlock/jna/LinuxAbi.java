package io.github.astlock.jna;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The numeric constants of the Linux system call interface this backend passes to the C
 * library, per architecture. They are our own table, taken from the kernel's and glibc's
 * headers, and deliberately not JNA's bundled constants: several {@code O_*} values differ
 * between architectures ({@code O_NOFOLLOW} is {@code 0400000} on x86-64 but {@code 0100000}
 * on AArch64), and a wrong {@code O_NOFOLLOW} silently follows symbolic links.
 *
 * <p>Only 64-bit architectures are listed: {@code write(2)} is declared with a 64-bit
 * {@code size_t}/{@code ssize_t}. An architecture missing here is reported unusable rather
 * than guessed.
 *
 * @param name        the architecture's name in messages, as the kernel calls it
 * @param javaArchs   the values of {@code os.arch} that denote it
 * @param oDirectory  {@code O_DIRECTORY}
 * @param oNofollow   {@code O_NOFOLLOW}
 */
record LinuxAbi(String name, List<String> javaArchs, int oDirectory, int oNofollow) {

    /** {@code O_WRONLY}, the same on every Linux architecture. */
    static final int O_WRONLY = 01;
    /** {@code O_CREAT}; differs only on Alpha, MIPS, PA-RISC and SPARC, which are not listed. */
    static final int O_CREAT = 0100;
    /** {@code O_EXCL}. */
    static final int O_EXCL = 0200;
    /** {@code O_NONBLOCK}. */
    static final int O_NONBLOCK = 04000;
    /** {@code O_CLOEXEC}. */
    static final int O_CLOEXEC = 02000000;

    /** {@code AT_FDCWD}: resolve a relative path against the working directory. */
    static final int AT_FDCWD = -100;
    /** {@code AT_SYMLINK_NOFOLLOW}: {@code lstat} semantics. */
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code AT_NO_AUTOMOUNT}: do not trigger an automount, as {@code stat(2)} does not. */
    static final int AT_NO_AUTOMOUNT = 0x800;
    /** {@code AT_EMPTY_PATH}: operate on the descriptor itself ({@code fstat} semantics). */
    static final int AT_EMPTY_PATH = 0x1000;
    /** {@code STATX_BASIC_STATS}: everything {@code struct stat} has. */
    static final int STATX_BASIC_STATS = 0x7ff;

    /** {@code LOCK_EX} of {@code flock(2)}. */
    static final int LOCK_EX = 2;
    /** {@code LOCK_NB} of {@code flock(2)}. */
    static final int LOCK_NB = 4;

    /** x86-64: the generic values. */
    static final LinuxAbi X86_64 = new LinuxAbi("x86-64", List.of("amd64", "x86_64", "x86-64"), 0200000, 0400000);
    /** AArch64: O_DIRECTORY and O_NOFOLLOW as on 32-bit ARM. */
    static final LinuxAbi AARCH64 = new LinuxAbi("aarch64", List.of("aarch64", "arm64"), 040000, 0100000);
    /** RISC-V 64: the asm-generic values (same as x86-64). */
    static final LinuxAbi RISCV64 = new LinuxAbi("riscv64", List.of("riscv64"), 0200000, 0400000);

    /** Every supported architecture. */
    static final List<LinuxAbi> SUPPORTED = List.of(X86_64, AARCH64, RISCV64);

    /**
     * The table for a Java {@code os.arch} value.
     *
     * @param osArch the value of the {@code os.arch} system property
     * @return the constants, or empty when the architecture is not supported
     */
    static Optional<LinuxAbi> forArch(String osArch) {
        String a = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
        return SUPPORTED.stream().filter(abi -> abi.javaArchs.contains(a)).findFirst();
    }

    /**
     * Returns the supported architectures, for messages: {@code x86-64, aarch64, riscv64}.
     *
     * @return the supported architectures, for messages: {@code x86-64, aarch64, riscv64}
     */
    static String supportedNames() {
        return String.join(", ", SUPPORTED.stream().map(LinuxAbi::name).toArray(String[]::new));
    }

    /**
     * Returns the flags of {@code createExclusive}: {@code O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC|O_NOFOLLOW}.
     *
     * @return the flags of {@code createExclusive}: {@code O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC|O_NOFOLLOW}
     */
    int createExclusiveFlags() {
        return O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | oNofollow;
    }

    /**
     * Returns the flags of {@code openForFlock}: {@code O_WRONLY|O_CREAT|O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK}.
     *
     * @return the flags of {@code openForFlock}: {@code O_WRONLY|O_CREAT|O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK}
     */
    int openForFlockFlags() {
        return O_WRONLY | O_CREAT | oNofollow | O_CLOEXEC | O_NONBLOCK;
    }

    /**
     * Returns the flags of {@code read}: {@code O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC}.
     *
     * @return the flags of {@code read}: {@code O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC}
     */
    int readFlags() {
        return oNofollow | O_NONBLOCK | O_CLOEXEC;
    }

    /**
     * Returns the flags of {@code openDirectoryForFlock}: {@code O_RDONLY|O_DIRECTORY|O_CLOEXEC}.
     *
     * @return the flags of {@code openDirectoryForFlock}: {@code O_RDONLY|O_DIRECTORY|O_CLOEXEC}
     */
    int directoryFlags() {
        return oDirectory | O_CLOEXEC;
    }
}
