package io.github.astlock;

import io.github.astlock.internal.Durations;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Another holder kept the lock for the whole timeout. Asterisk's {@code AST_LOCK_TIMEOUT}.
 * Unlike Asterisk, only real contention is reported this way: an error of the file system is
 * a {@link LockPathException} or {@link LockFailedException}.
 */
public class LockTimeoutException extends LockException {
    private static final long serialVersionUID = 1L;

    /** How long was waited. */
    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param directory the directory
     * @param mode      the mode
     * @param timeout   how long was waited
     * @param detail    who holds the lock, as far as known
     */
    public LockTimeoutException(Path directory, LockMode mode, Duration timeout, String detail) {
        super("lock", directory, mode, "timed out after " + Durations.millis(timeout) + " ms; " + detail, null, null);
        this.timeout = timeout;
    }

    /**
     * Returns the timeout that expired.
     *
     * @return the timeout that expired
     */
    public Duration timeout() {
        return timeout;
    }
}
