package io.github.astlock.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The JVM-wide table of directories locked through this library, keyed by the directory's
 * identity (device, inode), so {@code /a/b}, {@code /a/b/} and a symbolic link to it are one
 * entry. Threads of one JVM queue here, fairly, instead of polling the disk against each other
 * (which Asterisk does, LF-14/FL-14). A permit may be released by any thread, because a lock
 * handle may be closed from any thread.
 */
public final class LocalLockTable {

    /** The one table of this JVM (of this copy of the library's classes). */
    public static final LocalLockTable GLOBAL = new LocalLockTable();

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

    /** One directory's queue. */
    public static final class Entry {
        private final Key key;
        private final Semaphore permit = new Semaphore(1, true);
        private volatile Thread owner;
        private int references;

        private Entry(Key key) {
            this.key = key;
        }
    }

    private final Map<Key, Entry> entries = new HashMap<>();

    /**
     * Waits for the permit of a directory.
     *
     * @param key      the directory
     * @param deadline the deadline on the {@link System#nanoTime()} scale
     * @return the entry whose permit is now held, or {@code null} when the deadline passed
     * @throws AlreadyHeldException when the calling thread holds the permit already
     * @throws InterruptedException when interrupted while waiting
     */
    public Entry acquire(Key key, long deadline) throws InterruptedException {
        Entry e = reference(key);
        boolean ok = false;
        try {
            if (e.owner == Thread.currentThread()) {
                throw new AlreadyHeldException();
            }
            if (!e.permit.tryAcquire()) {
                long left = Backoff.remaining(deadline);
                if (left <= 0 || !e.permit.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    return null;
                }
            }
            e.owner = Thread.currentThread();
            ok = true;
            return e;
        } finally {
            if (!ok) {
                dereference(e);
            }
        }
    }

    /**
     * The thread holding a directory's permit, for messages.
     *
     * @param key the directory
     * @return the owner, or {@code null}
     */
    public synchronized Thread ownerOf(Key key) {
        Entry e = entries.get(key);
        return e == null ? null : e.owner;
    }

    /**
     * Gives a permit back. Any thread may call this, once per successful {@link #acquire}.
     *
     * @param e the entry returned by {@link #acquire}
     */
    public void release(Entry e) {
        e.owner = null;
        e.permit.release();
        dereference(e);
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
