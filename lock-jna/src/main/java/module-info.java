/**
 * The JNA backend of astlock: LOCKFILE and FLOCK mode through the C library ({@code open(2)},
 * {@code link(2)}, {@code statx(2)}, {@code flock(2)}, ...), called with Java Native Access.
 * Linux on x86-64, AArch64 and RISC-V 64 only; elsewhere the backend reports itself unusable.
 *
 * <p>The implementation package is opened to JNA, which creates a proxy of the package-private
 * interface that describes the C functions and inspects its methods reflectively.
 */
module io.github.astlock.jna {
    requires io.github.astlock.api;
    requires com.sun.jna;

    opens io.github.astlock.jna to com.sun.jna;

    provides io.github.astlock.spi.LockBackendProvider with io.github.astlock.jna.JnaBackendProvider;
}
