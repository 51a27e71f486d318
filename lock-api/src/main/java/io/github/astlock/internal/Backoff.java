package io.github.astlock.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Waits between two lock attempts: sleeps (never spins), doubling the pause from the initial to
 * the maximum value, with a little jitter so competing waiters do not move in lock step, and
 * never past the deadline. Uses the monotonic clock ({@link System#nanoTime()}), so a step of
 * the wall clock changes nothing.
 */
public final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final long startedNanos = System.nanoTime();
    private long nextNanos;

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
        long sleep = Math.min(left, nextNanos - nextNanos / 8 + jitter);
        nextNanos = nextNanos > maxNanos / 2 ? maxNanos : nextNanos * 2;
        TimeUnit.NANOSECONDS.sleep(sleep);
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
}
