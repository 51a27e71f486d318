package io.github.astlock.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM-wide table of directories locked through this library, keyed by the directory's
 * identity (device, inode), so {@code /a/b}, {@code /a/b/} and a symbolic link to it are one
 * entry. Threads of one JVM queue here, first come first served, instead of polling the disk
 * against each other (which Asterisk does, LF-14/FL-14). A turn may be given back by any
 * thread, because a lock handle may be closed from any thread.
 *
 * <p><b>Hand-over.</b> A holder that lets go while the first thread in the queue would take the
 * same on-disk state (same backend, mode, file permissions and path spelling: the caller's
 * {@code compatibility} value) may pass that state to it instead of releasing the lock on disk
 * ({@link #handOverWanted}, {@link #handOver}); the receiver finds it with
 * {@link #takeHandedOver}. That saves a whole on-disk release and acquisition per turn between
 * threads. The on-disk lock is then never let go while threads of this JVM keep queueing, so
 * other processes and Asterisk would never get a turn; hand-overs are therefore bounded: at most
 * {@link #MAX_HAND_OVERS} in a row, and none once the on-disk lock has been held for
 * {@link #MAX_HAND_OVER_NANOS} since it was really taken. Then the holder releases on disk and
 * the next thread takes the lock on disk again, competing with everyone else. The time bound
 * keeps what outsiders wait for short (about one such period plus one hold) and makes long
 * holds, for which a hand-over saves nothing worth having, always release on disk; the count
 * bound gives outsiders a real release regularly even when each hold is very short.
 */
public final class LocalLockTable {

    /** The one table of this JVM (of this copy of the library's classes). */
    public static final LocalLockTable GLOBAL = new LocalLockTable();

    /** The most hand-overs in a row before a release on disk. */
    public static final int MAX_HAND_OVERS = 8;

    /** How long since the last real acquisition on disk the lock may still be handed over. */
    public static final long MAX_HAND_OVER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final int WAITING = 0;
    private static final int GRANTED = 1;
    private static final int CANCELLED = 2;

    /**
     * A directory's identity.
     *
     * @param dev the device
     * @param ino the inode number
     */
    public record Key(long dev, long ino) {
        // written out: a record's generated hashCode and equals are bound at their first call,
        // which costs a short-lived process (the command line tool) milliseconds
        @Override
        public int hashCode() {
            return 31 * Long.hashCode(dev) + Long.hashCode(ino);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.dev == dev && k.ino == ino;
        }
    }

    /** One directory's queue. Its fields other than the key are guarded by its monitor. */
    public static final class Entry {
        private final Key key;
        private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
        private volatile Thread owner;
        private boolean held;
        private int references;
        private int handOvers;
        private long onDiskSince;
        private Object handedOver;

        private Entry(Key key) {
            this.key = key;
        }
    }

    /** A thread in a queue. */
    private static final class Waiter {
        private final Thread thread = Thread.currentThread();
        private final Object compatibility;
        private volatile int state = WAITING;

        Waiter(Object compatibility) {
            this.compatibility = compatibility;
        }
    }

    private final Map<Key, Entry> entries = new HashMap<>();

    /**
     * Waits for the turn of a directory. A turn granted at the moment the deadline passes is
     * still taken; one granted when the thread is interrupted is taken too, with the interrupt
     * status set again, so that the caller gives back what may have been handed over.
     *
     * @param key           the directory
     * @param deadline      the deadline on the {@link System#nanoTime()} scale
     * @param compatibility what a holder must match to hand its on-disk state over to this
     *                      thread; {@code null} means never
     * @return the entry whose turn the caller now has, or {@code null} when the deadline passed
     * @throws AlreadyHeldException when the calling thread has the turn already
     * @throws InterruptedException when interrupted while waiting
     */
    public Entry acquire(Key key, long deadline, Object compatibility) throws InterruptedException {
        Entry e = reference(key);
        boolean ok = false;
        try {
            Waiter w;
            synchronized (e) {
                if (e.owner == Thread.currentThread()) {
                    throw new AlreadyHeldException();
                }
                if (!e.held && e.queue.isEmpty()) {
                    e.held = true;
                    e.owner = Thread.currentThread();
                    ok = true;
                    return e;
                }
                w = new Waiter(compatibility);
                e.queue.addLast(w);
            }
            while (w.state == WAITING) {
                if (Thread.interrupted()) {
                    if (cancel(e, w)) {
                        throw new InterruptedException("interrupted while waiting for a lock held in this JVM");
                    }
                    Thread.currentThread().interrupt();
                    break;
                }
                long left = Backoff.remaining(deadline);
                if (left <= 0) {
                    if (cancel(e, w)) {
                        return null;
                    }
                    break;
                }
                LockSupport.parkNanos(this, left);
            }
            ok = true;
            return e;
        } finally {
            if (!ok) {
                dereference(e);
            }
        }
    }

    private static boolean cancel(Entry e, Waiter w) {
        synchronized (e) {
            if (w.state != WAITING) {
                return false;
            }
            e.queue.remove(w);
            w.state = CANCELLED;
            return true;
        }
    }

    /**
     * The on-disk state handed to the calling thread with its turn, if any; it is the caller's
     * from now on.
     *
     * @param e the entry returned by {@link #acquire}
     * @return the state, or {@code null} when the caller must take the lock on disk
     */
    public Object takeHandedOver(Entry e) {
        synchronized (e) {
            Object h = e.handedOver;
            e.handedOver = null;
            return h;
        }
    }

    /**
     * Records that the holder has just taken the lock on disk, which starts the bounds of
     * hand-overs again.
     *
     * @param e the entry returned by {@link #acquire}
     */
    public void takenOnDisk(Entry e) {
        synchronized (e) {
            e.handOvers = 0;
            e.onDiskSince = System.nanoTime();
        }
    }

    /**
     * Whether the first thread in the queue could be handed the on-disk state now: it waits
     * with an equal compatibility value and the bounds are not reached.
     *
     * @param e             the holder's entry
     * @param compatibility the holder's compatibility value
     * @return {@code true} when the holder should check its lock and call {@link #handOver}
     */
    public boolean handOverWanted(Entry e, Object compatibility) {
        synchronized (e) {
            return nextIsCompatible(e, compatibility)
                    && e.handOvers < MAX_HAND_OVERS && System.nanoTime() - e.onDiskSince < MAX_HAND_OVER_NANOS;
        }
    }

    /**
     * Gives the turn, with the held on-disk state, to the first thread in the queue, when it is
     * still waiting with an equal compatibility value. Otherwise nothing changes and the caller
     * must release on disk and then call {@link #release}.
     *
     * @param e             the holder's entry
     * @param compatibility the holder's compatibility value
     * @param state         the held on-disk state
     * @return {@code true} when handed over: the caller's turn has ended
     */
    public boolean handOver(Entry e, Object compatibility, Object state) {
        Thread next;
        synchronized (e) {
            if (!nextIsCompatible(e, compatibility)) {
                return false;
            }
            e.handOvers++;
            next = grantNext(e, state);
        }
        dereference(e);
        LockSupport.unpark(next);
        return true;
    }

    /**
     * The thread holding a directory's turn, for messages.
     *
     * @param key the directory
     * @return the owner, or {@code null}
     */
    public synchronized Thread ownerOf(Key key) {
        Entry e = entries.get(key);
        return e == null ? null : e.owner;
    }

    /**
     * Gives a turn back after the lock was released on disk (or never taken). Any thread may
     * call this, once per successful {@link #acquire} not ended by {@link #handOver}.
     *
     * @param e the entry returned by {@link #acquire}
     */
    public void release(Entry e) {
        Thread next;
        synchronized (e) {
            e.handOvers = 0;
            e.handedOver = null;
            next = grantNext(e, null);
        }
        dereference(e);
        if (next != null) {
            LockSupport.unpark(next);
        }
    }

    /** Whether the first queued thread waits with a locker of the given compatibility; under the entry's monitor. */
    private static boolean nextIsCompatible(Entry e, Object compatibility) {
        Waiter w = e.queue.peekFirst();
        return compatibility != null && w != null && compatibility.equals(w.compatibility);
    }

    /**
     * Gives the turn to the first thread in the queue, or frees the entry when nobody waits.
     * The caller wakes the returned thread once it has left the entry's monitor, so that the
     * woken thread does not find the monitor taken.
     *
     * @return the thread to wake, or {@code null}
     */
    private static Thread grantNext(Entry e, Object state) {
        Waiter w = e.queue.pollFirst();
        if (w == null) {
            e.held = false;
            e.owner = null;
            return null;
        }
        e.owner = w.thread;
        e.handedOver = state;
        w.state = GRANTED;
        return w.thread;
    }

    private synchronized Entry reference(Key key) {
        Entry e = entries.computeIfAbsent(key, Entry::new);
        e.references++;
        return e;
    }

    private synchronized void dereference(Entry e) {
        if (--e.references == 0) {
            entries.remove(e.key);
        }
    }

    /** The calling thread already holds the directory. */
    public static final class AlreadyHeldException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AlreadyHeldException() {
            super(null, null, false, false);
        }
    }
}
