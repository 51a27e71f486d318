package io.github.astlock.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
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
 * <p>Decision and reasons: one {@link WatchService} of the default file system for the whole
 * JVM (on Linux it is one inotify descriptor with one poller thread of the JDK), plus one
 * daemon thread of ours that hands its events to the waiters. It is backend-neutral, so the
 * pure-Java backend gets it as well; the JDK's poller blocks in {@code poll(2)}, so nothing
 * spins. A directory is watched only while at least one thread waits in it (reference-counted;
 * the watch is cancelled when the last waiter leaves), and the service, its descriptors and
 * both threads are closed as soon as no directory is watched, so a finished wait leaves
 * nothing behind (the price is setting the service up again, some 0.1 ms, at the start of the
 * next contended wait). Events can be missed (a full event
 * queue, a file system without notifications such as NFS, a failed registration when the
 * inotify limits are reached): waiters therefore never wait longer than their back-off pause,
 * which remains the safety net. A failure to watch is logged at DEBUG and the waiter simply
 * polls, as before.
 *
 * <p>The order a waiter follows: register, try the lock again, and only then wait for an event
 * or the end of its pause. An event between the registration and the wait is not lost, because
 * each registration remembers how many events it has already seen.
 */
public final class ReleaseEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseEvents.class);

    /** The one instance of this JVM (of this copy of the library's classes). */
    public static final ReleaseEvents GLOBAL = new ReleaseEvents(() -> FileSystems.getDefault().newWatchService());

    /** Creates the watch service; a seam for tests that make it fail. */
    @FunctionalInterface
    interface ServiceFactory {
        WatchService create() throws IOException;
    }

    /** One watched directory, shared by all the registrations of its watch key. */
    private static final class Watched {
        private final WatchKey key;
        private int references;
        private long events;

        Watched(WatchKey key) {
            this.key = key;
        }
    }

    private final ServiceFactory factory;
    private final Map<WatchKey, Watched> watched = new HashMap<>();
    private WatchService service;
    private Thread dispatcher;

    ReleaseEvents(ServiceFactory factory) {
        this.factory = factory;
    }

    /**
     * Starts watching a directory for the calling waiter.
     *
     * @param dir the directory
     * @return the registration, to be closed when the wait ends; {@code null} when the directory
     *     cannot be watched (the caller then polls)
     */
    public Registration register(Path dir) {
        synchronized (this) {
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
                Watched w = watched.computeIfAbsent(key, Watched::new);
                w.references++;
                return new Registration(w);
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot watch {} for lock releases, polling instead: {}", dir, e.toString());
                if (service != null && watched.isEmpty()) {
                    closeService();
                }
                return null;
            }
        }
    }

    /**
     * Returns how many directories are watched now.
     *
     * @return how many directories are watched now
     */
    public synchronized int watchedDirectories() {
        return watched.size();
    }

    /**
     * Returns whether the event thread is running.
     *
     * @return whether the event thread is running
     */
    public synchronized boolean running() {
        return dispatcher != null;
    }

    private synchronized void unregister(Watched w) {
        if (--w.references == 0) {
            watched.remove(w.key);
            w.key.cancel();
            if (watched.isEmpty()) {
                closeService();
            }
        }
    }

    private void dispatch(WatchService ws) {
        while (true) {
            WatchKey key;
            try {
                key = ws.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return; // closed when the last waiter left
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
                w = watched.get(key);
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

    /** Closes the service; its poller thread and ours end, and its descriptors are closed. */
    private void closeService() {
        WatchService ws = service;
        service = null;
        dispatcher = null;
        try {
            ws.close();
        } catch (IOException e) {
            LOG.debug("closing the lock release watch service failed: {}", e.toString());
        }
    }

    /** One waiter's interest in one directory. Not for use by several threads at once. */
    public final class Registration implements AutoCloseable {
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
