package io.github.astlock.jna;

import io.github.astlock.LockMode;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.LockBackendProvider;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code jna} backend: LOCKFILE and FLOCK mode through the C library, called with Java
 * Native Access; priority 50, the highest of ours. It runs on Linux on x86-64, AArch64 and
 * RISC-V 64 (with glibc 2.28 or later, or another C library exporting {@code statx}); anywhere
 * else, or when JNA's native dispatch library cannot be loaded, it reports itself unusable with
 * the reason instead of failing.
 *
 * <p>The constructor does no work; the platform is checked and the C library bound on the
 * first call of {@link #availability()} or {@link #fileOps()}, once for all instances.
 */
public final class JnaBackendProvider implements LockBackendProvider {
    /** This backend's id. */
    public static final String ID = "jna";

    private static final Set<LockMode> MODES = Collections.unmodifiableSet(EnumSet.of(LockMode.LOCKFILE, LockMode.FLOCK));

    /** Creates the provider; never fails, as {@link java.util.ServiceLoader} requires. */
    public JnaBackendProvider() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 50;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The probe (platform, JNA's {@code jnidispatch}, the C library's functions, a
     * {@code statx} call and an {@code O_NOFOLLOW} check) runs once per class loader and is shared by
     * every instance: its outcome depends only on the JVM, and a failed class initialization in
     * JNA would otherwise show a less informative error the second time.
     */
    @Override
    public Availability availability() {
        try {
            return Shared.AVAILABILITY;
        } catch (Throwable t) {
            return Availability.unusable("the jna backend cannot start: " + t);
        }
    }

    @Override
    public Set<LockMode> supportedModes() {
        return MODES;
    }

    /**
     * The operations.
     *
     * @return the operations
     * @throws IllegalStateException when {@link #availability()} is unusable; the message gives the reason
     */
    /**
     * {@inheritDoc}
     *
     * @return {@code true}: directories are opened and locked with real system calls
     */
    @Override
    public boolean supportsDirectoryLock() {
        return true;
    }

    @Override
    public FileOps fileOps() {
        Availability a = availability();
        if (!a.usable()) {
            throw new IllegalStateException("the jna backend is not usable here: " + a.reason());
        }
        return Shared.OPS;
    }

    @Override
    public String toString() {
        return "JnaBackendProvider[" + ID + "]";
    }

    /** The probe's outcome, computed when first needed; the initializer never throws. */
    private static final class Shared {
        static final Availability AVAILABILITY;
        static final FileOps OPS;

        static {
            Availability a;
            FileOps ops = null;
            try {
                NativeBinding.Result r = NativeBinding.probe(System.getProperty("os.name"), System.getProperty("os.arch"));
                a = r.availability();
                ops = r.ops();
            } catch (Throwable t) {
                // NoClassDefFoundError, UnsatisfiedLinkError, anything NativeBinding did not catch itself
                a = Availability.unusable("the jna backend cannot start: " + t);
            }
            AVAILABILITY = a;
            OPS = ops;
        }

        private Shared() {
        }
    }
}
