package io.github.astlock.internal;

import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a directory lock in the kernel instead of polling for it: a daemon thread blocks in
 * {@code flock(LOCK_EX)} ({@link FlockFile#lockExclusive()}) on a descriptor of the directory
 * and hands the locked descriptor to the waiting thread the moment the kernel grants it.
 *
 * <p>Decision and reasons: an astlock process releasing a folder lets go of the directory lock
 * by closing its descriptor, which no file-system notification reports; only the kernel's
 * {@code flock} queue knows when it happens. Polling costs a whole sleep per hand-over, so a
 * helper thread waits in the kernel on the waiter's behalf (the calling thread itself must
 * stay interruptible and honour its deadline, which a blocking system call would not). The
 * helper competes in the kernel's queue like any other process, so waking does not jump the
 * queue.
 *
 * <p>A waiter that gives up (timeout, interrupt, folder replaced) leaves the helper blocked;
 * when the helper gets the lock with nobody waiting, it releases it at once. A later waiter of
 * the same directory takes over a helper that is still blocked, so there is at most one helper
 * per directory and JVM, and its descriptor is closed on every path. Backends without the
 * blocking primitive keep polling.
 */
public final class DirectoryHandOff {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryHandOff.class);

    /** Helpers still blocked, by directory identity. */
    private static final Map<LocalLockTable.Key, Helper> BLOCKED = new HashMap<>();

    private DirectoryHandOff() {
    }

    /**
     * Returns how many helper threads are blocked now.
     *
     * @return how many helper threads are blocked now
     */
    public static int blockedHelpers() {
        synchronized (BLOCKED) {
            return BLOCKED.size();
        }
    }

    /**
     * Starts waiting for a directory lock. The caller passes an open, unlocked descriptor of the
     * directory; it belongs to this class from now on (it becomes the helper's, or is closed when
     * a helper of the same directory is already blocked).
     *
     * @param file the descriptor
     * @param id   its status
     * @return the wait, which the caller must {@link Wait#leave() leave} unless it received the lock
     */
    public static Wait start(FlockFile file, FileStat id) {
        LocalLockTable.Key key = new LocalLockTable.Key(id.dev(), id.ino());
        Helper helper;
        boolean fresh = false;
        synchronized (BLOCKED) {
            helper = BLOCKED.get(key);
            if (helper == null || !helper.adopt()) {
                helper = new Helper(key, file);
                helper.adopt();
                BLOCKED.put(key, helper);
                fresh = true;
            }
        }
        if (fresh) {
            Thread t = new Thread(helper, "astlock-directory-wait");
            t.setDaemon(true);
            t.start();
        } else {
            closeQuietly(file);
        }
        return new Wait(helper);
    }

    /** A waiter's claim on a helper. */
    public static final class Wait {
        private final Helper helper;
        private boolean done;

        private Wait(Helper helper) {
            this.helper = helper;
        }

        /**
         * Waits for the helper to take the lock.
         *
         * @param nanos the longest wait
         * @return the locked descriptor, now the caller's, or {@code null} when the time passed
         * @throws ErrnoException when the helper's {@code flock} failed
         * @throws UnsupportedOperationException when the backend cannot wait in {@code flock}
         * @throws InterruptedException when interrupted while waiting
         */
        public FlockFile await(long nanos) throws ErrnoException, InterruptedException {
            FlockFile f = helper.await(nanos);
            if (f != null) {
                done = true;
            }
            return f;
        }

        /** Gives up waiting; the helper releases the lock at once when it gets it. */
        public void leave() {
            if (!done) {
                done = true;
                helper.leave();
            }
        }
    }

    /** One blocked {@code flock}. */
    private static final class Helper implements Runnable {
        private final LocalLockTable.Key key;
        private final FlockFile file;
        private boolean waiting;
        private boolean finished;
        private boolean handedOver;
        private Throwable failure;

        Helper(LocalLockTable.Key key, FlockFile file) {
            this.key = key;
            this.file = file;
        }

        /** Takes this helper for a new waiter; {@code false} when another one waits on it. */
        synchronized boolean adopt() {
            if (waiting || finished) {
                return false;
            }
            waiting = true;
            return true;
        }

        synchronized void leave() {
            waiting = false;
            if (finished && !handedOver) {
                handedOver = true;
                closeQuietly(file); // granted after the waiter's last look: release it
            }
        }

        synchronized FlockFile await(long nanos) throws ErrnoException, InterruptedException {
            long end = System.nanoTime() + nanos;
            while (!finished) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            waiting = false;
            if (failure instanceof ErrnoException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            handedOver = true;
            return file;
        }

        @Override
        public void run() {
            Throwable failed = null;
            try {
                file.lockExclusive();
            } catch (ErrnoException | RuntimeException | Error e) {
                failed = e;
            }
            boolean keep;
            synchronized (BLOCKED) {
                BLOCKED.remove(key, this);
                synchronized (this) {
                    finished = true;
                    failure = failed;
                    keep = waiting && failed == null;
                    notifyAll();
                }
            }
            // When kept, the waiter takes the descriptor in await() or closes it in leave().
            if (!keep) {
                if (failed == null) {
                    LOG.debug("nobody waits for the directory lock any more; released it at once");
                }
                synchronized (this) {
                    handedOver = true;
                }
                closeQuietly(file);
            }
        }
    }

    private static void closeQuietly(FlockFile f) {
        try {
            f.close();
        } catch (ErrnoException e) {
            LOG.debug("closing a directory descriptor failed: {}", e.getMessage());
        }
    }
}
