package io.github.astlock.nio;

import io.github.astlock.LockMode;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.LockBackendProvider;
import java.nio.file.FileSystems;
import java.util.Set;

/**
 * The {@code nio} backend: LOCKFILE mode on plain java.nio, no native code, priority 10 (the
 * fallback when no native backend is present).
 *
 * <p>It refuses FLOCK mode: {@link java.nio.channels.FileChannel#lock()} takes an
 * {@code fcntl(2)} record lock, which on Linux neither excludes nor is excluded by
 * {@code flock(2)}, so it would give no protection against Asterisk's {@code lockmode=flock}.
 *
 * <p>It cannot take the directory lock the native backends add around every mode (java.nio opens
 * no directory descriptor, and its locks are {@code fcntl(2)}), so
 * {@link #supportsDirectoryLock()} is {@code false}. What it still guarantees: Asterisk's
 * LOCKFILE protocol, followed faithfully, excludes every party that follows it (Asterisk, other
 * astlock processes, {@code dotlockfile}) as long as nobody removes a {@code .lock} that is not
 * theirs; its release never removes a {@code .lock} it has not proved its own; a lost
 * {@code .lock} is reported by {@code checkValid()} and {@code close()}. What it cannot
 * guarantee: after Asterisk's blind unlock removed our {@code .lock}, another astlock process
 * (of any backend) may get in while we still work. Use {@code jna} or {@code jnr} where Asterisk
 * runs in the same spool.
 */
public final class NioBackendProvider implements LockBackendProvider {
    /** This backend's id. */
    public static final String ID = "nio";

    /**
     * Checked on first use, not when the provider is made: backend discovery makes every
     * provider but asks only until one is usable, and a higher-priority backend usually is.
     */
    private volatile Availability availability;
    private NioFileOps ops;

    /** Creates the provider; cheap, as {@link java.util.ServiceLoader} requires. */
    public NioBackendProvider() {
    }

    private static Availability check() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("unix")) {
            return Availability.unusable("the default file system has no 'unix' attribute view "
                    + "(device, inode and link count are needed); a POSIX system is required");
        }
        return Availability.usable("java.nio on " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + Runtime.version());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            a = check(); // the same result on every thread, so a second check does no harm
            availability = a;
        }
        return a;
    }

    @Override
    public Set<LockMode> supportedModes() {
        return Set.of(LockMode.LOCKFILE);
    }

    @Override
    public String unsupportedModeReason(LockMode mode) {
        if (mode == LockMode.FLOCK) {
            return "the nio backend cannot lock in FLOCK mode: java.nio has no flock(2), and "
                    + "FileChannel.lock() takes an fcntl(2) lock, which does not exclude Asterisk's flock(2) "
                    + "on Linux; add io.github.astlock:lock-jna or io.github.astlock:lock-jnr to the class path";
        }
        return LockBackendProvider.super.unsupportedModeReason(mode);
    }

    @Override
    public synchronized FileOps fileOps() {
        if (ops == null) {
            ops = new NioFileOps();
        }
        return ops;
    }
}
