package io.github.astlock.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Waits between two lock attempts: sleeps (never spins), doubling the pause from the initial to
 * the maximum value, with a little jitter so competing waiters do not move in lock step, and
 * never past the deadline. Uses the monotonic clock ({@link System#nanoTime()}), so a step of
 * the wall clock changes nothing.
 *
 * <p>When given a directory to watch ({@link #watching}), the first pause registers the
 * directory with its {@link ReleaseSource} and returns at once, so the caller tries again with
 * the watch in place; every later pause ends early when a lock file of the directory is removed
 * or changed. The doubling pause stays the upper bound of each wait, as the safety net for
 * releases that no event reports. {@link #close()} ends the watch.
 *
 * <p>The safety pause. Wherever a release can pass without an event, a pause is at most the
 * configured maximum (20 ms by default): a FLOCK holder such as {@code flock(1)} lets go by
 * closing its descriptor, which no watch reports; NFS and other network file systems report
 * nothing done by another host; a shared watch cannot tell whether an event was lost. Only for
 * {@link #pauseUntilRemoved(long)} (the LOCKFILE wait, where every release removes
 * {@code .lock}), with a watch that {@linkplain ReleaseWatch#reportsEveryRemoval() reports every
 * removal} (the backend's own watch, on a local file system, nothing lost so far), may a pause
 * grow to {@link #REPORTED_SAFETY_PAUSE}. Decision and reasons: with 20 ms, a waiter behind a
 * holder makes 50 full lockfile attempts a second, each a wake-up, a {@code link(2)} and a look
 * at the lock file; measured on a 2-vCPU virtual machine, a 3 s wait behind a C holder cost
 * 5.0 to 5.3 % of a core that way, and 1.0 % with pauses of up to 250 ms (whole JVM, same runs).
 * The hand-over itself does not depend on the pause, since the event ends it; a lost event is
 * noticed by the watch, which then no longer reports every removal, so the cap falls back to
 * the configured maximum. 250 ms rather than longer keeps what a watch cannot see (the folder's
 * name moved to another directory while waiting) noticed within a quarter of a second.
 */
public final class Backoff implements AutoCloseable {
    /**
     * The longest pause of a LOCKFILE wait whose watch reports every removal of {@code .lock}
     * (see the class description); the configured maximum when that is longer.
     */
    public static final java.time.Duration REPORTED_SAFETY_PAUSE = java.time.Duration.ofMillis(250);
    private static final long REPORTED_SAFETY_NANOS = REPORTED_SAFETY_PAUSE.toNanos();

    private final long initialNanos;
    private final long maxNanos;
    private final long startedNanos = System.nanoTime();
    private long nextNanos;
    private Path watchDir;
    private ReleaseSource events;
    private io.github.astlock.spi.ReleaseWatch registration;

    /**
     * Creates an instance.
     *
     * @param initial the first pause
     * @param max     the longest pause
     */
    public Backoff(Duration initial, Duration max) {
        this.initialNanos = Durations.nanos(initial);
        this.maxNanos = Durations.nanos(max);
        this.nextNanos = initialNanos;
    }

    /**
     * Makes the pauses end early on a release in {@code dir} (see the class description).
     *
     * @param dir    the directory whose lock files are waited for
     * @param source where release events come from
     * @return this
     */
    public Backoff watching(Path dir, ReleaseSource source) {
        this.watchDir = dir;
        this.events = source;
        return this;
    }

    /**
     * The deadline for a wait of {@code timeout} starting now.
     *
     * @param timeout the timeout
     * @return the deadline on the {@link System#nanoTime()} scale
     */
    public static long deadline(Duration timeout) {
        long now = System.nanoTime();
        long t = Durations.nanos(timeout);
        return t > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + t;
    }

    /**
     * The time left until a deadline.
     *
     * @param deadline a deadline on the {@link System#nanoTime()} scale
     * @return the nanoseconds left, at least zero
     */
    public static long remaining(long deadline) {
        return Math.max(0L, deadline - System.nanoTime());
    }

    /**
     * Sleeps before the next attempt, at most the configured maximum.
     *
     * @param deadline the deadline on the {@link System#nanoTime()} scale
     * @return {@code false} without sleeping when the deadline has passed; {@code true} after a
     *     pause, when another attempt should be made
     * @throws InterruptedException when interrupted while sleeping
     */
    public boolean pause(long deadline) throws InterruptedException {
        return pause(deadline, false);
    }

    /**
     * Sleeps before the next attempt of a wait in which every release removes the watched lock
     * file (LOCKFILE mode, where no stale lock is broken by time or by its owner's death): with
     * a watch that reports every removal, the pause may grow to {@link #REPORTED_SAFETY_PAUSE}.
     *
     * @param deadline the deadline on the {@link System#nanoTime()} scale
     * @return as {@link #pause(long)}
     * @throws InterruptedException when interrupted while sleeping
     */
    public boolean pauseUntilRemoved(long deadline) throws InterruptedException {
        return pause(deadline, true);
    }

    private boolean pause(long deadline, boolean removalEndsIt) throws InterruptedException {
        long left = remaining(deadline);
        if (left <= 0) {
            return false;
        }
        if (watchDir != null) {
            Path dir = watchDir;
            watchDir = null;
            registration = events.register(dir);
            if (registration != null) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for a lock");
                }
                return true; // try again now that no release can pass unnoticed
            }
        }
        long cap = removalEndsIt && registration != null && registration.reportsEveryRemoval()
                ? Math.max(maxNanos, REPORTED_SAFETY_NANOS) : maxNanos;
        long base = Math.min(nextNanos, cap);
        long jitter = base / 4 == 0 ? 0 : ThreadLocalRandom.current().nextLong(base / 4);
        long sleep = Math.min(left, base - base / 8 + jitter);
        nextNanos = nextNanos > cap / 2 ? Math.max(cap, nextNanos) : nextNanos * 2;
        if (registration != null) {
            registration.await(sleep);
        } else {
            TimeUnit.NANOSECONDS.sleep(sleep);
        }
        return true;
    }

    /**
     * Returns how long since this wait began (its creation), for timeout messages.
     *
     * @return how long since this wait began (its creation), for timeout messages
     */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Starts the doubling again from the initial pause. */
    public void reset() {
        nextNanos = initialNanos;
    }

    /** Ends the watch of the directory, if any; later pauses are plain sleeps. */
    @Override
    public void close() {
        watchDir = null;
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }
}
