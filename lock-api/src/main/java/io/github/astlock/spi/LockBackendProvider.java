package io.github.astlock.spi;

import io.github.astlock.LockMode;
import java.util.Set;

/**
 * A backend: supplies the {@link FileOps primitive file operations} the lock protocols run on.
 * Backends are found with {@link java.util.ServiceLoader}; declare the implementation in
 * {@code META-INF/services/io.github.astlock.spi.LockBackendProvider} and in
 * {@code module-info.java} ({@code provides io.github.astlock.spi.LockBackendProvider with ...}).
 *
 * <p>The constructor must be cheap and must not fail because a native library is missing:
 * report that through {@link #availability()} instead. Protocol logic never lives in a backend;
 * run the {@code lock-tck} kit to prove a backend compatible.
 *
 * <p><b>A backend that delegates to another</b> (for example one that adds tracing around
 * {@code jna}) creates its delegate directly, with the delegate's public provider class
 * ({@code new io.github.astlock.jna.JnaBackendProvider()}), and reports the delegate's
 * availability as its own. It must not ask {@link io.github.astlock.LockBackends} for the delegate
 * from its constructor or from {@link #id()}, {@link #priority()}, {@link #availability()} or
 * {@link #supportedModes()}: discovery calls those methods, so it would reach the delegating
 * backend again. Discovery survives such a provider and lists it as unusable, with the reason.
 * When the delegate must be found by id at run time, iterate
 * {@code ServiceLoader.load(LockBackendProvider.class)} and skip your own class.
 */
public interface LockBackendProvider {

    /**
     * A stable, lower-case identifier, used by {@code -Dastlock.backend=ID}; for example
     * {@code nio}, {@code jna}, {@code jnr}.
     *
     * @return the identifier
     */
    String id();

    /**
     * The rank among usable backends; the highest wins automatic selection, ties broken by
     * {@link #id()}. Ours: {@code nio} 10, {@code jnr} 40, {@code jna} 50.
     *
     * @return the priority
     */
    int priority();

    /**
     * Whether the backend can run in this JVM, checked once and cached by the implementation.
     * Must not throw; whatever it throws all the same (an {@link Error} included) makes
     * discovery list the backend as unusable, naming what was thrown.
     *
     * @return the availability with a reason
     */
    Availability availability();

    /**
     * The lock modes whose primitives this backend supplies. {@link LockMode#LOCKFILE} needs
     * every method of {@link FileOps} but {@code openForFlock}; {@link LockMode#FLOCK} needs
     * {@code openForFlock} with a real {@code flock(2)}.
     *
     * @return the supported modes
     */
    Set<LockMode> supportedModes();

    /**
     * Why a mode is not supported, and what to use instead. Used in the error message when a
     * caller asks for such a mode.
     *
     * @param mode a mode not in {@link #supportedModes()}
     * @return an explanation naming an alternative
     */
    default String unsupportedModeReason(LockMode mode) {
        return "backend '" + id() + "' does not implement " + mode;
    }

    /**
     * The operations. Called only when {@link #availability()} is usable; may return the same
     * instance each time.
     *
     * @return the primitive operations
     */
    FileOps fileOps();

    /**
     * Whether {@link FileOps#openDirectoryForFlock(java.nio.file.Path)} works: the backend can
     * open a directory and take {@code flock(2)} on that descriptor. When it can, every mode is
     * wrapped in that second lock, which Asterisk never touches, so astlock users of one host
     * exclude each other even when Asterisk unlinks a lock file it should not. A backend that
     * cannot (java.nio opens no directory descriptors and its locks are {@code fcntl}) still
     * runs Asterisk's protocol faithfully; it then excludes others only as far as that protocol
     * does.
     *
     * @return {@code true} when directories can be locked; the default is {@code false}
     */
    default boolean supportsDirectoryLock() {
        return false;
    }
}
