package io.github.astlock;

import io.github.astlock.spi.Availability;
import io.github.astlock.spi.LockBackendProvider;
import java.util.Optional;
import java.util.Set;

/**
 * What discovery found about one backend on the class path or module path.
 *
 * @param id           the backend's id, or its class name when it could not be instantiated
 * @param className    the provider class
 * @param priority     its priority ({@link Integer#MIN_VALUE} when broken)
 * @param availability whether it can run here, and why not
 * @param modes        the modes it supports (empty when broken)
 * @param provider     the instance, empty when it could not be instantiated
 */
public record BackendInfo(String id, String className, int priority, Availability availability,
                          Set<LockMode> modes, Optional<LockBackendProvider> provider) {

    /**
     * Returns whether the backend can be used.
     *
     * @return whether the backend can be used
     */
    public boolean usable() {
        return availability.usable() && provider.isPresent();
    }

    /**
     * Returns one line for messages: {@code jna (priority 50, modes [LOCKFILE, FLOCK]): usable - ...}.
     *
     * @return one line for messages: {@code jna (priority 50, modes [LOCKFILE, FLOCK]): usable - ...}
     */
    public String describe() {
        return id + " (" + className + ", priority " + (priority == Integer.MIN_VALUE ? "?" : priority)
                + ", modes " + modes + "): " + (usable() ? "usable" : "UNUSABLE") + " - " + availability.reason();
    }
}
