package io.github.astlock.internal;

import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.ReleaseWatch;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a waiting thread learns that a lock file of its folder was removed or changed, decided in
 * this one place for every wait: the backend's own watch in the waiting thread
 * ({@link FileOps#watchForRelease(Path)}) where the backend has one, otherwise the JVM's shared
 * {@link ReleaseEvents}. A source that cannot watch a folder returns {@code null}, and the waiter
 * then simply sleeps between attempts.
 */
@FunctionalInterface
public interface ReleaseSource {

    /**
     * Starts watching a folder for the calling thread.
     *
     * @param dir the folder
     * @return the watch, owned by the calling thread, to be closed when its wait ends; {@code null}
     *     when the folder cannot be watched
     */
    ReleaseWatch register(Path dir);

    /**
     * The source for waits on a backend's primitives.
     *
     * @param ops the backend's primitives
     * @return the backend's own watch where it has one, else {@link ReleaseEvents#GLOBAL}
     */
    static ReleaseSource of(FileOps ops) {
        return new BackendFirst(ops, null);
    }

    /**
     * The backend's watch first, the shared one when the backend has none or cannot make one.
     *
     * <p>A virtual thread always gets the shared watch: the backend's watch blocks the thread in
     * a native call, which would hold a carrier thread for the whole wait.
     */
    final class BackendFirst implements ReleaseSource {
        private static final Logger LOG = LoggerFactory.getLogger(ReleaseSource.class);

        private final FileOps ops;
        private final ReleaseSource fallback;
        /** Set once the backend said it has no watch of its own: it is not asked again. */
        private volatile boolean noneInBackend;

        /**
         * Creates an instance.
         *
         * @param ops      the backend's primitives
         * @param fallback used when the backend has no watch or cannot make one; {@code null} for
         *                 {@link ReleaseEvents#GLOBAL}, which is then loaded only by the first
         *                 wait that needs it (not by every process that locks)
         */
        BackendFirst(FileOps ops, ReleaseSource fallback) {
            this.ops = ops;
            this.fallback = fallback;
        }

        @Override
        public ReleaseWatch register(Path dir) {
            if (!noneInBackend && !onVirtualThread()) {
                try {
                    Optional<ReleaseWatch> own = ops.watchForRelease(dir);
                    if (own.isPresent()) {
                        return own.get();
                    }
                    noneInBackend = true;
                } catch (ErrnoException | RuntimeException e) {
                    LOG.debug("cannot watch {} for lock releases in the waiting thread, using the shared watch: {}",
                            dir, e.getMessage());
                }
            }
            return (fallback != null ? fallback : ReleaseEvents.GLOBAL).register(dir);
        }

        /**
         * Whether the calling thread is a virtual thread (Java 21 and later). Told by the class of
         * the thread object, the JDK's {@code java.lang.VirtualThread}: {@code Thread.isVirtual()}
         * does not exist on Java 17, and reaching it by reflection or a method handle would load
         * the JDK's method handle machinery into every process that waits, a cost at start-up.
         */
        private static boolean onVirtualThread() {
            return Thread.currentThread().getClass().getName().equals("java.lang.VirtualThread");
        }
    }
}
