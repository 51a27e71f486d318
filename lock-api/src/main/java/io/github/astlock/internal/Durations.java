package io.github.astlock.internal;

import java.time.Duration;

/**
 * Converts {@link Duration}s to whole nanoseconds or milliseconds without ever throwing:
 * a duration too long for a {@code long} (about 292 years in nanoseconds) counts as
 * {@link Long#MAX_VALUE}, which every wait treats as "for ever".
 */
public final class Durations {
    private Durations() {
    }

    /**
     * Returns the duration in nanoseconds, saturated at the range of {@code long}.
     *
     * @param d the duration
     * @return its length in nanoseconds, or {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} when it does not fit
     */
    public static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * Returns the duration in milliseconds, saturated at the range of {@code long}.
     *
     * @param d the duration
     * @return its length in milliseconds, or {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} when it does not fit
     */
    public static long millis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * Returns the duration for people: milliseconds up to a minute, then seconds, then days.
     *
     * @param d the duration, not negative
     * @return for example {@code "250 ms"}, {@code "90 s"} or {@code "109500 days"}
     */
    public static String describe(Duration d) {
        if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            return d.toMillis() + " ms";
        }
        if (d.compareTo(Duration.ofDays(2)) < 0) {
            return d.getSeconds() + " s";
        }
        return d.toDays() + " days";
    }
}
