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
 * directory with {@link ReleaseEvents} and returns at once, so the caller tries again with the
 * watch in place; every later pause ends early when a lock file of the directory is removed or
 * changed. The doubling pause stays the upper bound of each wait, as the safety net for missed
 * events. {@link #close()} ends the watch.
 */
public final class Backoff implements AutoCloseable {
    private final long initialNanos;
    private final long maxNanos;
    private final long startedNanos = System.nanoTime();
    private long nextNanos;
    private Path watchDir;
    private ReleaseEvents events;
    private ReleaseEvents.Registration registration;

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
    public Backoff watching(Path dir, ReleaseEvents source) {
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
     * Sleeps before the next attempt.
     *
     * @param deadline the deadline on the {@link System#nanoTime()} scale
     * @return {@code false} without sleeping when the deadline has passed; {@code true} after a
     *     pause, when another attempt should be made
     * @throws InterruptedException when interrupted while sleeping
     */
    public boolean pause(long deadline) throws InterruptedException {
        long left = remaining(deadline);
        if (left <= 0) {
            return false;
        }
        long jitter = nextNanos / 4 == 0 ? 0 : ThreadLocalRandom.current().nextLong(nextNanos / 4);
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
        long sleep = Math.min(left, nextNanos - nextNanos / 8 + jitter);
        nextNanos = nextNanos > maxNanos / 2 ? maxNanos : nextNanos * 2;
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
