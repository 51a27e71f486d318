package io.github.astlock;

import java.nio.file.Path;

/**
 * The thread was interrupted while waiting for a lock. Nothing is left on disk and the thread's
 * interrupt status is set again. {@link PathLocker#lockInterruptibly(Path)} throws
 * {@link InterruptedException} instead.
 */
public class LockInterruptedException extends LockException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param directory the directory
     * @param mode      the mode
     * @param cause     the interruption
     */
    public LockInterruptedException(Path directory, LockMode mode, InterruptedException cause) {
        super("lock", directory, mode, "interrupted while waiting", null, cause);
    }
}
