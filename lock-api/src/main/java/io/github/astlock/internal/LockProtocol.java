package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.spi.FileStat;
import java.nio.file.Path;

/** One of Asterisk's lock protocols, written once over the backend primitives. */
public interface LockProtocol {

    /**
     * Returns the mode this protocol implements.
     *
     * @return the mode this protocol implements
     */
    LockMode mode();

    /**
     * Takes the on-disk lock, waiting with {@code backoff} until {@code deadline}. Leaves nothing
     * behind on any failure path.
     *
     * @param dir      the absolute directory
     * @param deadline the deadline on the {@link System#nanoTime()} scale; already passed means one try
     * @param backoff  the pauses between attempts
     * @return the held lock
     * @throws LockException        a typed failure, including the timeout
     * @throws InterruptedException when interrupted while waiting
     */
    Held acquire(Path dir, long deadline, Backoff backoff) throws LockException, InterruptedException;

    /**
     * Like {@link #acquire(Path, long, Backoff)}, given the directory's status when the caller
     * took it during this attempt, so that the protocol does not ask for it again. The status
     * only answers who owns the directory; it never replaces a check of the lock file itself.
     *
     * @param dir       the absolute directory
     * @param dirStatus the directory's status, or {@code null} when the caller has none
     * @param deadline  the deadline on the {@link System#nanoTime()} scale; already passed means one try
     * @param backoff   the pauses between attempts
     * @return the held lock
     * @throws LockException        a typed failure, including the timeout
     * @throws InterruptedException when interrupted while waiting
     */
    default Held acquire(Path dir, FileStat dirStatus, long deadline, Backoff backoff)
            throws LockException, InterruptedException {
        return acquire(dir, deadline, backoff);
    }

    /** A lock held on disk. */
    interface Held {
        /**
         * Check valid.
         *
         * @throws LockException a {@link io.github.astlock.LockLostException} when the lock file
         *     was removed or replaced
         */
        void checkValid() throws LockException;

        /**
         * Checks, as cheaply as {@link #release()} checks before it lets go, that the lock is
         * still ours; called before the held state is handed to another thread of this JVM
         * instead of being released. Stronger checks (reading the owner record back) may be
         * skipped when the cheap look finds nothing changed.
         *
         * @throws LockException a {@link io.github.astlock.LockLostException} when the lock file
         *     was removed or replaced
         */
        default void checkKept() throws LockException {
            checkValid();
        }

        /**
         * Releases the on-disk lock. Never removes a lock file that is not ours.
         *
         * @throws LockException a {@link io.github.astlock.LockLostException} when the lock had
         *     been lost, or another failure
         */
        void release() throws LockException;
    }
}
