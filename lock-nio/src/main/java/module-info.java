/**
 * The pure java.nio backend of astlock: LOCKFILE mode with no native code. FLOCK mode needs
 * {@code flock(2)}, which java.nio cannot call; use the jna or jnr backend for it.
 */
module io.github.astlock.nio {
    requires io.github.astlock.api;

    provides io.github.astlock.spi.LockBackendProvider with io.github.astlock.nio.NioBackendProvider;
}
