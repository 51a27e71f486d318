package io.github.astlock.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations on the command line: a non-negative number with an optional fraction and a unit,
 * {@code ms}, {@code s}, {@code m} (minutes), {@code h} or {@code d} (days), for example {@code 500ms}, {@code 5s},
 * {@code 1.5s}, {@code 2m}, {@code 90d}. A bare number means seconds ({@code 5} is {@code 5s}, {@code 0}
 * is zero), as with {@code flock -w} and {@code timeout}.
 */
final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(ms|s|m|h|d)?");
    /** The longest accepted duration: a year is far beyond any sensible lock wait or age. */
    private static final Duration MAX = Duration.ofDays(366);

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException with a message saying what is accepted
     */
    static Duration parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text
                    + "': expected a number with a unit ms, s, m, h or d, for example 500ms, 5s, 1.5s, 2m or 90d");
        }
        String number = m.group(1);
        String unit = m.group(2) == null ? "s" : m.group(2);
        long nanosPerUnit;
        switch (unit) {
            case "ms": nanosPerUnit = 1_000_000L; break;
            case "s": nanosPerUnit = 1_000_000_000L; break;
            case "m": nanosPerUnit = 60_000_000_000L; break;
            case "h": nanosPerUnit = 3_600_000_000_000L; break;
            default: nanosPerUnit = 86_400_000_000_000L; break;
        }
        long nanos;
        String whole = stripLeadingZeros(number);
        if (number.indexOf('.') < 0 && whole.length() <= 12) {
            // a whole number (the usual case, and the default of every option): exact in a long,
            // without BigDecimal, whose class initialization alone costs a short-lived JVM time
            long n = whole.isEmpty() ? 0 : Long.parseLong(whole);
            nanos = n > MAX.toNanos() / nanosPerUnit ? Long.MAX_VALUE : n * nanosPerUnit;
        } else {
            BigDecimal exact = new BigDecimal(number).multiply(BigDecimal.valueOf(nanosPerUnit))
                    .setScale(0, RoundingMode.HALF_UP);
            nanos = exact.compareTo(BigDecimal.valueOf(MAX.toNanos())) > 0 ? Long.MAX_VALUE : exact.longValueExact();
        }
        if (nanos > MAX.toNanos()) {
            throw new IllegalArgumentException("invalid duration '" + text + "': longer than "
                    + MAX.toDays() + " days");
        }
        return Duration.ofNanos(nanos);
    }

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    /**
     * Formats a duration for people: {@code 0.4 s}, {@code 12.3 s}, {@code 95 s}, {@code 3 min 5 s},
     * {@code 2 h 3 min}.
     *
     * @param d the duration
     * @return the text
     */
    static String format(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 100_000) {
            // tenths of a second, rounded half up, as "%.1f" would (without the cost of a Formatter)
            long tenths = (ms + 50) / 100;
            return tenths / 10 + "." + tenths % 10 + " s";
        }
        long s = ms / 1000;
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** picocli converter for options of type {@link Duration}. */
    static final class Converter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
