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
 */
public final class NioBackendProvider implements LockBackendProvider {
    /** This backend's id. */
    public static final String ID = "nio";

    private final Availability availability = check();
    private final NioFileOps ops = new NioFileOps();

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
        return availability;
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
    public FileOps fileOps() {
        return ops;
    }
}
