package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockFailedException;
import io.github.astlock.LockMode;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the JVM's exit must still release: every lock file this JVM has put (or is about to put)
 * on disk and not yet removed, whether or not a caller has received it yet.
 *
 * <p>Decision and reasons: the exit hook releases the locks callers hold, but a lock file also
 * exists on disk for a moment without any caller holding it: just after the {@code link(2)} that
 * made it and before the caller receives it, and while one thread passes it to another waiting
 * in this JVM. Halting in such a moment left a {@code .lock} naming a dead process behind, which
 * Asterisk then waits for. So a protocol registers a lock file here before it makes it and
 * unregisters it once removed; the exit hook, after the callers' locks, releases what is still
 * registered. An attempt to make a lock file holds the registration's monitor and checks that it
 * has not been ended, so the hook's release either comes after the attempt (and removes what it
 * made, when it is provably ours) or before it (and the attempt is refused). Lock files that are
 * not provably ours are never removed: the release proves inode and owner token as always.
 * Descriptor-based locks need none of this: the kernel releases them with the process.
 */
public final class ExitRelease {
    private static final Logger LOG = LoggerFactory.getLogger(ExitRelease.class);

    private static final Set<LockProtocol.Held> PENDING = ConcurrentHashMap.newKeySet();
    private static volatile boolean exiting;

    private ExitRelease() {
    }

    /**
     * Whether the JVM has begun to exit (see {@link #begin()}).
     *
     * @return whether the JVM has begun to exit
     */
    public static boolean exiting() {
        return exiting;
    }

    /** Called first by the exit hook: from now on no new lock file is made. */
    public static void begin() {
        exiting = true;
    }

    /**
     * Registers a lock file about to be made; refused once the JVM exits.
     *
     * @param held the lock's state, whose {@code release()} ends the registration
     * @return {@code false} when the JVM is exiting (the registration is kept, so the exit hook
     *     may release it: its release finds nothing of ours to remove)
     */
    static boolean register(LockProtocol.Held held) {
        PENDING.add(held);
        // Added before the flag is read, while the hook sets the flag before it looks: either
        // this sees the flag or the hook sees the registration.
        return !exiting;
    }

    /**
     * Ends a registration: the lock file was removed, lost, or never made.
     *
     * @param held the lock's state
     */
    static void unregister(LockProtocol.Held held) {
        PENDING.remove(held);
    }

    /**
     * Called last by the exit hook: releases every lock file still registered.
     *
     * @return how many were released
     */
    public static int releaseRemaining() {
        int released = 0;
        for (LockProtocol.Held held : PENDING) {
            try {
                held.release();
                released++;
            } catch (LockException | RuntimeException e) {
                LOG.debug("JVM exiting: {}", e.getMessage());
            }
        }
        return released;
    }

    /**
     * The refusal of a lock while the JVM exits.
     *
     * @param dir  the folder
     * @param mode the mode
     * @return the exception to throw
     */
    public static LockFailedException refusal(Path dir, LockMode mode) {
        return new LockFailedException(dir, mode, LockFailedException.Reason.SHUTTING_DOWN,
                "the JVM is exiting and has released its locks; a lock taken now would stay on disk", null, null);
    }
}
