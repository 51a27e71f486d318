package io.github.astlock.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** Medians, percentiles and number formatting for the harness. */
public final class Stats {
    private Stats() {
    }

    /**
     * The value below which the given fraction of the samples lie (nearest rank).
     *
     * @param samples    the samples, not empty
     * @param percentile 0 to 100
     * @return the percentile
     */
    public static double percentile(Collection<? extends Number> samples, double percentile) {
        double[] v = samples.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        if (v.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        int rank = (int) Math.ceil(percentile / 100.0 * v.length);
        return v[Math.min(v.length - 1, Math.max(0, rank - 1))];
    }

    /**
     * The median.
     *
     * @param samples the samples, not empty
     * @return the median
     */
    public static double median(Collection<? extends Number> samples) {
        double[] v = samples.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        if (v.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The largest sample.
     *
     * @param samples the samples, not empty
     * @return the largest
     */
    public static double max(Collection<? extends Number> samples) {
        return samples.stream().mapToDouble(Number::doubleValue).max().orElseThrow();
    }

    /**
     * Nanoseconds in the most readable unit: ns, µs, ms or s, three significant digits.
     *
     * @param nanos a duration in nanoseconds
     * @return the text
     */
    public static String time(double nanos) {
        double a = Math.abs(nanos);
        if (a < 1_000) {
            return num(nanos) + " ns";
        }
        if (a < 1_000_000) {
            return num(nanos / 1e3) + " µs";
        }
        if (a < 1_000_000_000) {
            return num(nanos / 1e6) + " ms";
        }
        return num(nanos / 1e9) + " s";
    }

    /**
     * A duration with its sign, such as {@code +1.20 ms} or {@code -30.0 µs}.
     *
     * @param nanos a duration in nanoseconds
     * @return the text
     */
    public static String signedTime(double nanos) {
        return (nanos < 0 ? "-" : "+") + time(Math.abs(nanos));
    }

    /**
     * A number with three significant digits (more for large values, no exponent).
     *
     * @param value the value
     * @return the text
     */
    public static String num(double value) {
        double a = Math.abs(value);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /**
     * A ratio such as {@code 2.3×}.
     *
     * @param ours      our value
     * @param reference the reference value
     * @return the text, or "–" when the reference is zero
     */
    public static String ratio(double ours, double reference) {
        return reference == 0 ? "–" : num(ours / reference) + "×";
    }

    /**
     * The samples as a sorted array, for tests and reports.
     *
     * @param samples the samples
     * @return them sorted
     */
    static double[] sorted(Collection<? extends Number> samples) {
        double[] v = samples.stream().mapToDouble(Number::doubleValue).toArray();
        Arrays.sort(v);
        return v;
    }
}
