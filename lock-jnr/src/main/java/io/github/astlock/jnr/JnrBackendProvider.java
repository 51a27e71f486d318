package io.github.astlock.jnr;

import io.github.astlock.LockMode;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.LockBackendProvider;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code jnr} backend: LOCKFILE and FLOCK mode through jnr-posix's native POSIX layer,
 * priority 40 (below {@code jna}, above {@code nio}). Linux only.
 *
 * <p>It loads jnr-posix with {@code POSIXFactory.getNativePOSIX(...)} and requires
 * {@code isNative()}. It never uses {@code POSIXFactory.getPOSIX()}, which silently falls back to
 * a pure-Java emulation when the native layer (jnr-ffi's jffi stub) cannot be loaded; there
 * {@code link} runs the {@code ln} command, {@code lstat} follows symbolic links and
 * {@code flock} is missing. When loading fails, {@link #availability()} is unusable and its
 * reason carries the error, so an explicit choice of {@code jnr} fails with that reason.
 *
 * <p>Loading happens once, on the first call of {@link #availability()} or {@link #fileOps()},
 * and is shared by all instances; the constructor does nothing and cannot fail.
 */
public final class JnrBackendProvider implements LockBackendProvider {
    /** This backend's id. */
    public static final String ID = "jnr";
    /** This backend's priority. */
    public static final int PRIORITY = 40;

    private static final Logger LOG = LoggerFactory.getLogger(JnrBackendProvider.class);

    /** Creates the provider; cheap and never fails, as {@link java.util.ServiceLoader} requires. */
    public JnrBackendProvider() {
    }

    /** The outcome of loading, computed once per class loader on first use. */
    private static final class Loaded {
        static final Availability AVAILABILITY;
        static final FileOps OPS;

        static {
            Availability a;
            FileOps ops = null;
            try {
                JnrNative.Probe p = JnrNative.probe();
                a = p.availability;
                ops = p.ops;
            } catch (Throwable t) {
                // jnr-posix, jnr-ffi or jnr-constants missing or broken: still report, never throw.
                a = Availability.unusable("jnr-posix could not be used: " + describe(t));
            }
            if (!a.usable()) {
                LOG.debug("jnr backend unusable: {}", a.reason());
            }
            AVAILABILITY = a;
            OPS = ops;
        }

        private Loaded() {
        }
    }

    private static String describe(Throwable t) {
        StringBuilder b = new StringBuilder(String.valueOf(t));
        Throwable c = t;
        for (int i = 0; i < 5 && c.getCause() != null && c.getCause() != c; i++) {
            c = c.getCause();
            b.append("; caused by ").append(c);
        }
        return b.toString();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Availability availability() {
        return Loaded.AVAILABILITY;
    }

    @Override
    public Set<LockMode> supportedModes() {
        return Set.of(LockMode.LOCKFILE, LockMode.FLOCK);
    }

    /**
     * The operations.
     *
     * @return the primitive operations on jnr-posix
     * @throws IllegalStateException when {@link #availability()} is unusable, with its reason
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
        FileOps ops = Loaded.OPS;
        if (ops == null) {
            throw new IllegalStateException("backend '" + ID + "' cannot run here: " + Loaded.AVAILABILITY.reason());
        }
        return ops;
    }

    @Override
    public String toString() {
        return "JnrBackendProvider[" + (Loaded.AVAILABILITY.usable() ? "usable: " : "unusable: ")
                + Loaded.AVAILABILITY.reason() + "]";
    }
}
