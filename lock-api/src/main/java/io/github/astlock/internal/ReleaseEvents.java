package io.github.astlock.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells waiting threads that a lock file of their directory was removed or changed, so that a
 * waiter tries again as soon as a holder lets go instead of when its sleep happens to end.
 *
 * <p>Asterisk releases by removing a file: {@code .lock} in lockfile mode; in flock mode it
 * removes {@code lock} and then closes it. astlock's own lockfile release moves {@code .lock}
 * aside, which is a removal of the name as well. So a watch for removals (and changes) of the
 * names {@code .lock} and {@code lock} in the directory sees every release that matters across
 * processes, whoever the holder is.
 *
 * <p>Since backends may watch a folder in the waiting thread itself
 * ({@link io.github.astlock.spi.FileOps#watchForRelease}, one thread wake-up per release instead
 * of three), this shared watch serves the waits of backends that have none (the pure-Java one),
 * of virtual threads, and of a backend that cannot make one at the moment (an inotify limit
 * reached); {@link ReleaseSource} decides.
 *
 * <p>Decision and reasons: one {@link WatchService} of the default file system for the whole
 * JVM (on Linux it is one inotify descriptor with one poller thread of the JDK), plus one
 * daemon thread of ours that hands its events to the waiters. It is backend-neutral, so the
 * pure-Java backend gets it as well; the JDK's poller blocks in {@code poll(2)}, so nothing
 * spins. A directory is watched only while at least one thread waits in it (reference-counted;
 * the watch is cancelled 50 ms after the last waiter leaves), and the service, its descriptors
 * and both threads are closed 50 ms after no directory is watched any more, so a finished wait
 * leaves nothing behind for long. While every watched directory has a waiter, the event thread
 * blocks until an event comes, a directory loses its last waiter (which wakes it), or at most a
 * second has passed, instead of waking every 50 ms to tidy up: a long wait behind a holder then
 * costs next to no processor time. Measured: cancelling and closing on the waiter's own path
 * (two round trips to the JDK's poller thread) made the hand-off slower than the old sleeping;
 * a waiter that has the lock now only decrements a count, and the event thread tidies up. Events can be missed (a full event
 * queue, a file system without notifications such as NFS, a failed registration when the
 * inotify limits are reached): waiters therefore never wait longer than their back-off pause,
 * which remains the safety net. A failure to watch is logged at DEBUG and the waiter simply
 * polls, as before.
 *
 * <p>The order a waiter follows: register, try the lock again, and only then wait for an event
 * or the end of its pause. An event between the registration and the wait is not lost, because
 * each registration remembers how many events it has already seen.
 */
public final class ReleaseEvents implements ReleaseSource {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseEvents.class);

    /**
     * The longest the event thread blocks while every watched directory has a waiter; a safety
     * bound only, since the last waiter of a directory wakes it when it leaves.
     */
    private static final long BUSY_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The one instance of this JVM (of this copy of the library's classes). */
    public static final ReleaseEvents GLOBAL = new ReleaseEvents(() -> FileSystems.getDefault().newWatchService(),
            TimeUnit.MILLISECONDS.toNanos(50));

    /** Creates the watch service; a seam for tests that make it fail. */
    @FunctionalInterface
    interface ServiceFactory {
        WatchService create() throws IOException;
    }

    /** One watched directory, shared by all the registrations of its watch key. */
    private static final class Watched {
        private final WatchKey key;
        private final List<Path> names = new ArrayList<>();
        private int references;
        private long events;
        private long idleSince;

        Watched(WatchKey key) {
            this.key = key;
        }
    }

    private final ServiceFactory factory;
    private final long lingerNanos;
    /** How long the event thread blocks while every watch has a waiter: nothing needs tidying. */
    private final long busyPollNanos;
    private final Map<Path, Watched> byPath = new HashMap<>();
    private final Map<WatchKey, Watched> byKey = new HashMap<>();
    private WatchService service;
    private Thread dispatcher;
    private long lastUse;

    ReleaseEvents(ServiceFactory factory, long lingerNanos) {
        this.factory = factory;
        this.lingerNanos = lingerNanos;
        this.busyPollNanos = Math.max(lingerNanos, BUSY_POLL_NANOS);
    }

    /**
     * Starts watching a directory for the calling waiter.
     *
     * @param dir the directory
     * @return the registration, to be closed when the wait ends; {@code null} when the directory
     *     cannot be watched (the caller then polls)
     */
    @Override
    public synchronized Registration register(Path dir) {
        lastUse = System.nanoTime();
        Watched w = byPath.get(dir);
        if (w != null && w.key.isValid()) {
            w.references++;
            return new Registration(w);
        }
        if (w != null) {
            forget(w);
        }
        try {
            if (service == null) {
                WatchService ws = factory.create();
                service = ws;
                Thread t = new Thread(() -> dispatch(ws), "astlock-release-events");
                t.setDaemon(true);
                dispatcher = t;
                t.start();
            }
            WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            w = byKey.computeIfAbsent(key, Watched::new);
            w.names.add(dir);
            byPath.put(dir, w);
            w.references++;
            return new Registration(w);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot watch {} for lock releases, polling instead: {}", dir, e.toString());
            return null;
        }
    }

    /**
     * Returns how many directories are watched now (waited in, or left less than the linger
     * time ago).
     *
     * @return how many directories are watched now
     */
    public synchronized int watchedDirectories() {
        return byKey.size();
    }

    /**
     * Returns whether the watch service and its event thread are open.
     *
     * @return whether the watch service and its event thread are open
     */
    public synchronized boolean running() {
        return dispatcher != null;
    }

    /**
     * The waiter's path stays cheap: the event thread cancels the watch after the linger time.
     * When the last waiter of a directory leaves, the event thread is woken from a long block
     * (an interrupt, which it takes as "tidy up soon", not as a request to stop).
     */
    private synchronized void unregister(Watched w) {
        lastUse = System.nanoTime();
        if (--w.references == 0) {
            w.idleSince = lastUse;
            if (dispatcher != null) {
                dispatcher.interrupt();
            }
        }
    }

    private void forget(Watched w) {
        byKey.remove(w.key);
        for (Path p : w.names) {
            byPath.remove(p, w);
        }
        w.key.cancel();
    }

    /**
     * Cancels the watches nobody has needed for the linger time, and closes the service when
     * none is left.
     *
     * @return how long the event thread may block before the next tidying is due, or a negative
     *     value when the service was closed
     */
    private synchronized long sweep(WatchService ws) {
        if (service != ws) {
            return -1;
        }
        long now = System.nanoTime();
        long next = busyPollNanos;
        for (Watched w : new ArrayList<>(byKey.values())) {
            if (w.references == 0) {
                long due = w.idleSince + lingerNanos - now;
                if (due <= 0) {
                    forget(w);
                } else {
                    next = Math.min(next, due);
                }
            }
        }
        if (byKey.isEmpty()) {
            long due = lastUse + lingerNanos - now;
            if (due <= 0) {
                service = null;
                dispatcher = null;
                try {
                    ws.close();
                } catch (IOException e) {
                    LOG.debug("closing the lock release watch service failed: {}", e.toString());
                }
                return -1;
            }
            next = Math.min(next, due);
        }
        return Math.max(next, 1);
    }

    private void dispatch(WatchService ws) {
        long timeout;
        while ((timeout = sweep(ws)) >= 0) {
            WatchKey key;
            try {
                key = ws.poll(timeout, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                continue; // a watch has lost its last waiter: compute the next tidying
            } catch (ClosedWatchServiceException e) {
                return;
            }
            if (key == null) {
                continue;
            }
            boolean wake = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                Object name = event.context();
                wake |= event.kind() == StandardWatchEventKinds.OVERFLOW
                        || name instanceof Path p && isLockName(p.toString());
            }
            boolean valid = key.reset();
            Watched w;
            synchronized (this) {
                w = byKey.get(key);
            }
            if (w != null && (wake || !valid)) {
                synchronized (w) {
                    w.events++;
                    w.notifyAll();
                }
            }
        }
    }

    private static boolean isLockName(String name) {
        return name.equals(".lock") || name.equals("lock");
    }

    /** One waiter's interest in one directory. Not for use by several threads at once. */
    public final class Registration implements io.github.astlock.spi.ReleaseWatch {
        private final Watched watched;
        private long seen;
        private boolean closed;

        private Registration(Watched watched) {
            this.watched = watched;
            synchronized (watched) {
                this.seen = watched.events;
            }
        }

        /**
         * Waits until a lock file of the directory is removed or changed after the last call (or
         * the registration), or until {@code nanos} have passed.
         *
         * @param nanos the longest wait
         * @return {@code true} when woken by an event
         * @throws InterruptedException when interrupted while waiting
         */
        @Override
        public boolean await(long nanos) throws InterruptedException {
            synchronized (watched) {
                long end = System.nanoTime() + nanos;
                while (watched.events == seen) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(watched, left);
                }
                seen = watched.events;
                return true;
            }
        }

        /**
         * Always {@code false}: the shared watch does not tell whether the folder's file system
         * reports every change, nor whether an event was lost.
         *
         * @return {@code false}
         */
        @Override
        public boolean reportsEveryRemoval() {
            return false;
        }

        /** Ends the interest; the watch is cancelled when no other waiter needs it. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                unregister(watched);
            }
        }
    }
}
