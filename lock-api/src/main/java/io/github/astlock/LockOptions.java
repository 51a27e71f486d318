package io.github.astlock;

import io.github.astlock.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link PathLocker}. Build with {@link #builder()}; the defaults match
 * Asterisk: {@link LockMode#LOCKFILE} and a 5 second timeout.
 *
 * <pre>{@code
 * LockOptions options = LockOptions.builder()
 *         .mode(LockMode.FLOCK)
 *         .timeout(Duration.ofSeconds(2))
 *         .build();
 * }</pre>
 *
 * <p>Invalid values fail with an {@link IllegalArgumentException} whose message starts with the
 * field's name.
 */
public final class LockOptions {

    /** Asterisk's timeout: 5 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** The first pause between two attempts: 1 ms. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(1);
    /**
     * The longest pause between two attempts wherever a release may go unreported: 20 ms, so
     * such a release is noticed quickly (see {@link Builder#backoff(Duration, Duration)}).
     */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(20);
    /** Permissions of a new FLOCK-mode {@code lock} file, as Asterisk creates it: {@code 0600}. */
    public static final int DEFAULT_FLOCK_FILE_PERMISSIONS = 0600;
    /** Permissions of the LOCKFILE-mode temporary file (and so of {@code .lock}): {@code 0666}, as Asterisk. */
    public static final int DEFAULT_LOCKFILE_PERMISSIONS = 0666;


    private final LockMode mode;
    private final Duration timeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int flockFilePermissions;
    private final int lockfilePermissions;
    private final StalePolicy stalePolicy;
    private final Duration leftoverAge;

    /** Temporary lock files older than this are leftovers of a crash: 1 minute. */
    public static final Duration DEFAULT_LEFTOVER_AGE = Duration.ofMinutes(1);

    private LockOptions(Builder b) {
        this.mode = b.mode;
        this.timeout = b.timeout;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.flockFilePermissions = b.flockFilePermissions;
        this.lockfilePermissions = b.lockfilePermissions;
        this.stalePolicy = b.stalePolicy;
        this.leftoverAge = b.leftoverAge;
    }

    /**
     * Returns the defaults: LOCKFILE, 5 s.
     *
     * @return the defaults: LOCKFILE, 5 s
     */
    public static LockOptions defaults() {
        return Defaults.INSTANCE;
    }

    /** Built on first use, after every default constant is initialised. */
    private static final class Defaults {
        static final LockOptions INSTANCE = builder().build();
    }

    /**
     * Returns a builder holding the defaults.
     *
     * @return a builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding these options, to derive a variant.
     *
     * @return a builder holding these options, to derive a variant
     */
    public Builder toBuilder() {
        return new Builder()
                .mode(mode).timeout(timeout).backoff(initialBackoff, maxBackoff)
                .flockFilePermissions(flockFilePermissions).lockfilePermissions(lockfilePermissions)
                .stalePolicy(stalePolicy).leftoverAge(leftoverAge);
    }

    /**
     * Returns the lock mode.
     *
     * @return the lock mode
     */
    public LockMode mode() {
        return mode;
    }

    /**
     * Returns how long {@link PathLocker#lock(java.nio.file.Path)} waits; zero means one try.
     *
     * @return how long {@link PathLocker#lock(java.nio.file.Path)} waits; zero means one try
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Returns the first pause between two attempts.
     *
     * @return the first pause between two attempts
     */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /**
     * Returns the longest pause between two attempts wherever a release may go unreported (see
     * {@link Builder#backoff(Duration, Duration)}).
     *
     * @return the longest pause between two attempts wherever a release may go unreported
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * Returns permission bits for a new FLOCK-mode {@code lock} file (masked by the umask).
     *
     * @return permission bits for a new FLOCK-mode {@code lock} file (masked by the umask)
     */
    public int flockFilePermissions() {
        return flockFilePermissions;
    }

    /**
     * Returns permission bits for the LOCKFILE-mode temporary file and {@code .lock} (masked by the umask).
     *
     * @return permission bits for the LOCKFILE-mode temporary file and {@code .lock} (masked by the umask)
     */
    public int lockfilePermissions() {
        return lockfilePermissions;
    }

    /**
     * Returns when a LOCKFILE-mode lock held by someone else may be broken; {@link StalePolicy#NEVER} by default.
     *
     * @return when a LOCKFILE-mode lock held by someone else may be broken; {@link StalePolicy#NEVER} by default
     */
    public StalePolicy stalePolicy() {
        return stalePolicy;
    }

    /**
     * Leftover age.
     *
     * @return how old a temporary lock file ({@code .lock.XXXXXXXX} or Asterisk's
     *     {@code .lock-XXXXXXXX}) not linked to {@code .lock} must be before a successful lock
     *     removes it as a crash leftover (ours only when its owner is not running)
     */
    public Duration leftoverAge() {
        return leftoverAge;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LockOptions)) {
            return false;
        }
        LockOptions other = (LockOptions) o;
        return mode == other.mode && timeout.equals(other.timeout)
                && initialBackoff.equals(other.initialBackoff) && maxBackoff.equals(other.maxBackoff)
                && flockFilePermissions == other.flockFilePermissions
                && lockfilePermissions == other.lockfilePermissions && stalePolicy.equals(other.stalePolicy)
                && leftoverAge.equals(other.leftoverAge);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, timeout, initialBackoff, maxBackoff, flockFilePermissions, lockfilePermissions,
                stalePolicy, leftoverAge);
    }

    @Override
    public String toString() {
        return "LockOptions[mode=" + mode + ", timeout=" + Durations.millis(timeout) + "ms, backoff="
                + Durations.millis(initialBackoff) + ".." + Durations.millis(maxBackoff) + "ms, flockFilePermissions=0"
                + Integer.toOctalString(flockFilePermissions) + ", lockfilePermissions=0"
                + Integer.toOctalString(lockfilePermissions) + ", stalePolicy=" + stalePolicy
                + ", leftoverAge=" + leftoverAge.toSeconds() + "s]";
    }

    /** Builds {@link LockOptions}; every setter validates its argument at once. */
    public static final class Builder {
        private LockMode mode = LockMode.LOCKFILE;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private int flockFilePermissions = DEFAULT_FLOCK_FILE_PERMISSIONS;
        private int lockfilePermissions = DEFAULT_LOCKFILE_PERMISSIONS;
        private StalePolicy stalePolicy = StalePolicy.NEVER;
        private Duration leftoverAge = DEFAULT_LEFTOVER_AGE;

        private Builder() {
        }

        /**
         * Sets the leftover age.
         *
         * @param age how old an unlinked temporary lock file must be to count as a crash leftover;
         *     at least one second (Asterisk keeps its own for at most 5 s)
         * @return this builder
         */
        public Builder leftoverAge(Duration age) {
            Duration a = nonNegative(age, "leftoverAge");
            if (a.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("leftoverAge: must be at least 1 s, was " + a);
            }
            this.leftoverAge = a;
            return this;
        }

        /**
         * Sets the stale policy.
         *
         * @param policy when a LOCKFILE-mode lock held by someone else may be broken
         * @return this builder
         */
        public Builder stalePolicy(StalePolicy policy) {
            this.stalePolicy = require(policy, "stalePolicy");
            return this;
        }

        /**
         * Sets the mode.
         *
         * @param mode the lock mode; must match the running Asterisk's {@code lockmode}
         * @return this builder
         */
        public Builder mode(LockMode mode) {
            this.mode = require(mode, "mode");
            return this;
        }

        /**
         * Sets the timeout.
         *
         * @param timeout how long to wait for a lock; zero means exactly one try
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder timeout(Duration timeout) {
            this.timeout = nonNegative(timeout, "timeout");
            return this;
        }

        /**
         * Sets the pauses between attempts: the first is {@code initial}, each next one doubles,
         * up to {@code max}. Waiting never spins: both must be at least one millisecond. Where
         * the kernel can report a release (a lock file removed from the folder, the directory
         * lock of another astlock process let go), a pause ends as soon as that happens; the
         * pauses are then only the upper bound, for releases nothing reports: a FLOCK holder
         * that only closes its file, a change made on another host of a network file system.
         * One exception: in LOCKFILE mode without a stale-lock policy, every release removes
         * {@code .lock}; when the backend watches the folder itself (the jna and jnr backends on
         * Linux), the folder is on a local file system and no report has been lost, a pause may
         * grow to 250 ms (or {@code max}, when that is longer), since the removal ends it anyway.
         *
         * @param initial the first pause
         * @param max     the longest pause, at least {@code initial}
         * @return this builder
         */
        public Builder backoff(Duration initial, Duration max) {
            Duration i = nonNegative(initial, "initialBackoff");
            Duration m = nonNegative(max, "maxBackoff");
            if (i.compareTo(Duration.ofMillis(1)) < 0) {
                throw new IllegalArgumentException("initialBackoff: must be at least 1 ms, was " + i);
            }
            if (m.compareTo(i) < 0) {
                throw new IllegalArgumentException("maxBackoff: must be at least initialBackoff (" + i + "), was " + m);
            }
            this.initialBackoff = i;
            this.maxBackoff = m;
            return this;
        }

        /**
         * Sets the flock file permissions.
         *
         * @param permissions bits for a new FLOCK-mode {@code lock} file, {@code 0} to {@code 0777}
         * @return this builder
         */
        public Builder flockFilePermissions(int permissions) {
            this.flockFilePermissions = permissions(permissions, "flockFilePermissions");
            return this;
        }

        /**
         * Sets the lockfile permissions.
         *
         * @param permissions bits for the LOCKFILE-mode temporary file, {@code 0} to {@code 0777}
         * @return this builder
         */
        public Builder lockfilePermissions(int permissions) {
            this.lockfilePermissions = permissions(permissions, "lockfilePermissions");
            return this;
        }

        /**
         * Returns the options.
         *
         * @return the options
         */
        public LockOptions build() {
            return new LockOptions(this);
        }

        private static <T> T require(T value, String field) {
            if (value == null) {
                throw new IllegalArgumentException(field + ": must not be null");
            }
            return value;
        }

        private static Duration nonNegative(Duration d, String field) {
            require(d, field);
            if (d.isNegative()) {
                throw new IllegalArgumentException(field + ": must not be negative, was " + d);
            }
            return d;
        }

        private static int permissions(int p, String field) {
            if (p < 0 || p > 0777) {
                throw new IllegalArgumentException(field + ": must be between 0 and 0777 (octal), was 0"
                        + Integer.toOctalString(p));
            }
            return p;
        }
    }
}
