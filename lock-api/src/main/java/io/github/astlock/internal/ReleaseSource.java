package io.github.astlock.internal;

import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.ReleaseWatch;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
        return new BackendFirst(ops, ReleaseEvents.GLOBAL);
    }

    /**
     * The backend's watch first, the shared one when the backend has none or cannot make one.
     *
     * <p>A virtual thread always gets the shared watch: the backend's watch blocks the thread in
     * a native call, which would hold a carrier thread for the whole wait.
     */
    final class BackendFirst implements ReleaseSource {
        private static final Logger LOG = LoggerFactory.getLogger(ReleaseSource.class);
        /** {@code Thread.isVirtual()} where the JDK has it (Java 21 and later), else {@code null}. */
        private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

        private final FileOps ops;
        private final ReleaseSource fallback;
        /** Set once the backend said it has no watch of its own: it is not asked again. */
        private volatile boolean noneInBackend;

        /**
         * Creates an instance.
         *
         * @param ops      the backend's primitives
         * @param fallback used when the backend has no watch or cannot make one
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
            return fallback.register(dir);
        }

        private static boolean onVirtualThread() {
            if (IS_VIRTUAL == null) {
                return false;
            }
            try {
                return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
            } catch (Throwable t) {
                return false;
            }
        }

        private static MethodHandle isVirtualHandle() {
            try {
                return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                        MethodType.methodType(boolean.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }
}
