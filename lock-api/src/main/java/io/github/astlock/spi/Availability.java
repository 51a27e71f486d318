package io.github.astlock.spi;

import java.util.Objects;

/**
 * Whether a backend can run here, and if not, why.
 *
 * @param usable whether the backend can be used in this JVM
 * @param reason a human-readable explanation: what was checked when usable, what failed when not
 */
public record Availability(boolean usable, String reason) {

    /**
     * Validates the components.
     *
     * @param usable whether the backend can be used
     * @param reason the explanation
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * A usable availability.
     *
     * @param detail what was checked, for example the native library version
     * @return a usable availability
     */
    public static Availability usable(String detail) {
        return new Availability(true, detail);
    }

    /**
     * An unusable availability.
     *
     * @param reason why the backend cannot run, for example "libc not loadable: ..."
     * @return an unusable availability
     */
    public static Availability unusable(String reason) {
        return new Availability(false, reason);
    }
}
