package io.github.astlock.spi;

/**
 * A watch on one folder, made by {@link FileOps#watchForRelease(java.nio.file.Path)}, that wakes
 * the thread waiting for the folder's lock when a lock file name ({@code .lock} or {@code lock})
 * is removed from it or changed: the way every Asterisk release ends, and the way astlock's own
 * lockfile release ends. The waiting thread blocks in the kernel itself, so a release costs one
 * wake-up of that thread and nothing else.
 *
 * <p>Owned by one thread: the thread that made it waits with {@link #await(long)} and closes it.
 * Events that happen after the watch was made and before a call to {@code await} are kept, so
 * the caller can make the watch, try the lock once more and only then wait, without missing a
 * release in between.
 */
public interface ReleaseWatch extends AutoCloseable {

    /**
     * Waits until a lock file name of the folder is removed or changed (since the watch was made,
     * or since the last call that returned {@code true}), or until {@code nanos} have passed. Also
     * returns {@code true} when the kernel reports that events were lost or that the folder itself
     * was removed or moved, so the caller looks again. Never returns early without such a report,
     * and never spins: a wait of a fraction of a millisecond lasts at least that long.
     *
     * @param nanos the longest wait, in nanoseconds; zero or less returns {@code false} at once
     * @return {@code true} when woken by a report, {@code false} when the time ran out
     * @throws InterruptedException when the thread is interrupted before or during the wait; the
     *     wait then ends at once, the thread's interrupt status is cleared (as by
     *     {@link Thread#sleep(long)}) and the watch cannot be used for waiting again, only closed
     */
    boolean await(long nanos) throws InterruptedException;

    /**
     * Whether every removal of a lock file name is certain to wake {@link #await(long)}: the
     * folder is on a file system of a local kind (where the kernel itself makes every change and
     * reports it), the watch is intact and no event has been lost. The core waits longer between
     * two safety checks only while this is {@code true}.
     *
     * @return {@code true} when no removal can pass unreported
     */
    boolean reportsEveryRemoval();

    /** Releases the watch and every descriptor it holds; a second call does nothing. */
    @Override
    void close();
}
