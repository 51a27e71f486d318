package io.github.astlock;

import io.github.astlock.internal.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When a LOCKFILE-mode {@code .lock} held by someone else may be broken. Off by default
 * ({@link #NEVER}), as in Asterisk: spools may be shared between hosts, and a lock that only
 * looks stale may belong to a slow holder elsewhere.
 *
 * <ul>
 *   <li>{@link #deadOwner()}: break a lock whose owner is provably gone: its owner record names
 *       this machine's current boot and the PID namespace of the process judging, and that pid
 *       no longer exists or belongs to a process with another start time (see
 *       {@link LockOwner#liveness()}). An owner in another container, PID namespace, boot or host,
 *       or one hidden by {@code /proc} mounted with {@code hidepid}, is never judged gone. A
 *       {@code .lock} without our owner record (Asterisk's are empty) is never broken by this
 *       rule.</li>
 *   <li>{@link #olderThan(Duration)}: break any regular {@code .lock}, ours or Asterisk's,
 *       whose status change time (ctime, which {@code link(2)} sets) is older than the limit.
 *       Choose a limit far above any real hold time: Asterisk holds for milliseconds, and
 *       gives up after 5 s.</li>
 * </ul>
 *
 * Breaking is race-free: the stale {@code .lock} is renamed to a unique name, the renamed inode
 * is checked to be the one judged stale (otherwise it is put back and the lock treated as held),
 * and only then removed. Every break is logged at WARN. FLOCK mode needs no policy: the kernel
 * releases a dead process's {@code flock(2)}.
 */
public final class StalePolicy {
    /** Never break a lock (the default). */
    public static final StalePolicy NEVER = new StalePolicy(false, null);

    private final boolean deadOwner;
    private final Duration maxAge;

    private StalePolicy(boolean deadOwner, Duration maxAge) {
        this.deadOwner = deadOwner;
        this.maxAge = maxAge;
    }

    /**
     * Returns a policy that breaks locks whose owner is provably gone.
     *
     * @return a policy that breaks locks whose owner is provably gone
     */
    public static StalePolicy deadOwner() {
        return new StalePolicy(true, null);
    }

    /**
     * A policy that breaks locks older than an age.
     *
     * @param age the age above which any {@code .lock} is broken; at least one second
     * @return a policy that breaks locks older than {@code age}
     */
    public static StalePolicy olderThan(Duration age) {
        return NEVER.orOlderThan(age);
    }

    /**
     * Returns this policy, also breaking locks of dead owners on this host.
     *
     * @return this policy, also breaking locks of dead owners on this host
     */
    public StalePolicy orDeadOwner() {
        return new StalePolicy(true, maxAge);
    }

    /**
     * This policy, also breaking locks older than an age.
     *
     * @param age the age above which any {@code .lock} is broken; at least one second
     * @return this policy, also breaking locks older than {@code age}
     */
    public StalePolicy orOlderThan(Duration age) {
        Objects.requireNonNull(age, "age");
        if (age.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("stalePolicy.olderThan: must be at least 1 s, was " + age);
        }
        return new StalePolicy(deadOwner, age);
    }

    /**
     * Returns whether locks of dead owners on this host are broken.
     *
     * @return whether locks of dead owners on this host are broken
     */
    public boolean breaksDeadOwners() {
        return deadOwner;
    }

    /**
     * Returns the age above which locks are broken, if any.
     *
     * @return the age above which locks are broken, if any
     */
    public Optional<Duration> maxAge() {
        return Optional.ofNullable(maxAge);
    }

    /**
     * Returns whether this policy ever breaks a lock.
     *
     * @return whether this policy ever breaks a lock
     */
    public boolean isActive() {
        return deadOwner || maxAge != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StalePolicy && ((StalePolicy) o).deadOwner == deadOwner
                && Objects.equals(((StalePolicy) o).maxAge, maxAge);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deadOwner, maxAge);
    }

    @Override
    public String toString() {
        if (!isActive()) {
            return "never";
        }
        return (deadOwner ? "dead owner" : "") + (deadOwner && maxAge != null ? " or " : "")
                + (maxAge != null ? "older than " + Durations.millis(maxAge) + " ms" : "");
    }
}
