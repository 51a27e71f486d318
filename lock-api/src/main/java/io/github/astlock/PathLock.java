package io.github.astlock;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A held directory lock. Release it with {@link #close()}, normally through
 * try-with-resources:
 *
 * <pre>{@code
 * try (PathLock lock = locker.lock(folder)) {
 *     // stage outside, rename inside; keep this well under Asterisk's 4-5 s patience
 *     lock.checkValid();          // just before the commit step
 *     Files.move(staged, folder.resolve("msg0007.txt"), StandardCopyOption.ATOMIC_MOVE);
 * }
 * }</pre>
 *
 * <p>A handle is safe to use from any thread, including closing it from a thread other than
 * the one that locked.
 */
public interface PathLock extends AutoCloseable {

    /**
     * Returns the locked directory, as an absolute path.
     *
     * @return the locked directory, as an absolute path
     */
    Path directory();

    /**
     * Returns the lock mode.
     *
     * @return the lock mode
     */
    LockMode mode();

    /**
     * Returns the lock file inside the directory ({@code .lock} or {@code lock}).
     *
     * @return the lock file inside the directory ({@code .lock} or {@code lock})
     */
    Path lockFile();

    /**
     * Returns the id of the backend that performed the file operations.
     *
     * @return the id of the backend that performed the file operations
     */
    String backendId();

    /**
     * Returns when the lock was acquired.
     *
     * @return when the lock was acquired
     */
    Instant acquiredAt();

    /**
     * Returns whether {@link #close()} has been called.
     *
     * @return whether {@link #close()} has been called
     */
    boolean isReleased();

    /**
     * Re-checks on disk that the lock is still ours: in LOCKFILE mode that {@code .lock} is
     * still the inode we linked, in FLOCK mode that {@code lock} still names the inode we hold
     * the {@code flock(2)} on. Never throws.
     *
     * @return {@code false} when released (see {@link #isReleased()}), lost, or when the check itself failed
     */
    boolean isValid();

    /**
     * Like {@link #isValid()} but explains a failure. Call it just before the step that commits
     * work (for a voicemail message: before renaming {@code msgNNNN.txt} into place).
     *
     * <p>Checking a handle after its own {@link #close()} is a mistake of the calling code, not a
     * lost lock: it throws {@link IllegalStateException}, never {@link LockLostException}, so code
     * that raises an alarm on lost locks is not set off by a normal release. Use
     * {@link #isReleased()} to ask first.
     *
     * @throws LockLostException     when the lock file was removed or replaced while held
     * @throws LockException         when the check itself failed
     * @throws IllegalStateException when this handle was already released by {@link #close()}
     */
    void checkValid() throws LockException;

    /**
     * Releases the lock. Idempotent: a second call does nothing. In LOCKFILE mode {@code .lock}
     * is removed only if it is still our inode; in FLOCK mode the descriptor is closed and the
     * {@code lock} file stays (Asterisk reuses it). The in-JVM reservation is released in every
     * case, even when this throws.
     *
     * @throws LockLostException when the lock had been lost while held; a stranger's lock file
     *     is left untouched
     * @throws LockException     when the release itself failed
     */
    @Override
    void close() throws LockException;
}
