package io.github.astlock.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ReleaseWatch} on Linux's inotify, for backends that call the C library directly; the
 * backend only supplies the system calls, as a {@link Calls}.
 *
 * <p>How it works: an inotify descriptor watches the folder for removals ({@code IN_DELETE},
 * {@code IN_MOVED_FROM}) and changes ({@code IN_MODIFY}, {@code IN_ATTRIB}) of its entries, and
 * for the folder itself being removed, moved or unmounted. The waiting thread blocks in
 * {@code poll(2)} on that descriptor and on an {@code eventfd(2)}; it wakes only for the names
 * {@code .lock} and {@code lock} (and for lost events, the end of the watch, or the folder
 * itself), so the temporary files a lockfile locker creates and removes next to {@code .lock}
 * do not wake it. Opening and closing a file is never watched: the FLOCK protocol opens and
 * closes {@code lock} itself while it waits, and would wake itself for ever.
 *
 * <p>Interrupts: the wait is an interruptible channel operation. {@link Thread#interrupt()} of
 * the waiting thread closes the channel, and closing only writes to the eventfd, which ends the
 * {@code poll} at once; the descriptors themselves are closed by the owner in {@link #close()},
 * after the wait, so no other thread ever closes a descriptor the waiting thread is using.
 *
 * <p>Decision and reasons (measured on a 2-vCPU virtual machine, C holder releasing, JVM
 * waiter): the JDK's {@code WatchService} wakes three threads in a row for one release (its
 * poller thread, the thread that hands its events to waiters, then the waiter); a wake-up costs
 * 0.1 to 0.4 ms there, so the hand-over took 0.85 ms at the median, twice a C waiter's. Waiting
 * in the kernel on the waiting thread itself costs one wake-up. Closing an inotify descriptor,
 * however, waits for the kernel to retire the instance (a grace period of its file-notification
 * layer): 5 to 16 ms on that machine, on the waiter's path just after it took the lock, which
 * made the hand-over ten times slower than the old one. So an instance (its inotify descriptor
 * and eventfd) is not closed by the waiter: {@link #close()} removes the folder's watch
 * ({@code inotify_rm_watch}, which the kernel retires in the background) and keeps the
 * instance for the next wait of the JVM, which skips the events of earlier watches; a daemon thread closes an
 * instance nobody has reused for 50 ms, and exits when none is left.
 */
public final class InotifyWatch implements ReleaseWatch {
    /** {@code IN_MODIFY}: an entry was written. */
    static final int IN_MODIFY = 0x2;
    /** {@code IN_ATTRIB}: an entry's metadata (permissions, owner, link count) changed. */
    static final int IN_ATTRIB = 0x4;
    /** {@code IN_MOVED_FROM}: an entry was renamed away. */
    static final int IN_MOVED_FROM = 0x40;
    /** {@code IN_DELETE}: an entry was removed. */
    static final int IN_DELETE = 0x200;
    /** {@code IN_DELETE_SELF}: the folder itself was removed. */
    static final int IN_DELETE_SELF = 0x400;
    /** {@code IN_MOVE_SELF}: the folder itself was renamed. */
    static final int IN_MOVE_SELF = 0x800;
    /** {@code IN_UNMOUNT}: the file system was unmounted. */
    static final int IN_UNMOUNT = 0x2000;
    /** {@code IN_Q_OVERFLOW}: the event queue overflowed; events were lost. */
    static final int IN_Q_OVERFLOW = 0x4000;
    /** {@code IN_IGNORED}: the watch was removed (the folder is gone, or unmounted). */
    static final int IN_IGNORED = 0x8000;
    /** {@code IN_ONLYDIR}: watch only a directory. */
    static final int IN_ONLYDIR = 0x01000000;
    /** {@code IN_EXCL_UNLINK}: no events for entries after they were unlinked. */
    static final int IN_EXCL_UNLINK = 0x04000000;

    /** What the watch asks the kernel for; these bits are the same on every Linux architecture. */
    public static final int MASK = IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
            | IN_ONLYDIR | IN_EXCL_UNLINK;

    /** {@code POLLIN} of {@code poll(2)}, the same on every Linux architecture. */
    private static final short POLLIN = 1;
    /** The size of {@code struct pollfd}: {@code int fd; short events; short revents;}. */
    private static final int POLLFD_SIZE = 8;
    /** The fixed part of {@code struct inotify_event}: wd, mask, cookie, len. */
    private static final int EVENT_HEADER = 16;
    /** Room for a few dozen events per read; more are read by the next call. */
    private static final int EVENT_BUFFER = 1024;
    /** How long a finished wait's instance is kept for the next wait before it is closed. */
    static final long LINGER_MILLIS = 50;
    /** The most instances kept for reuse; more are closed at once (by the closing thread). */
    private static final int MAX_IDLE = 8;

    /**
     * {@code statfs(2)} {@code f_type} values of local file systems: the kernel makes every change
     * to them itself, so inotify reports every removal. Network and cluster file systems (NFS,
     * SMB, Ceph, FUSE, ...) are not listed: another host's changes reach no watch there.
     * Overlay file systems are not listed either: a change made to a lower layer directly is not
     * reported through the overlay.
     */
    private static final long[] LOCAL_FILE_SYSTEMS = {
        0xEF53L,        // ext2, ext3, ext4
        0x58465342L,    // xfs
        0x9123683EL,    // btrfs
        0x01021994L,    // tmpfs
        0x858458F6L,    // ramfs
        0xF2F52010L,    // f2fs
        0x3153464AL,    // jfs
        0x52654973L,    // reiserfs
        0x2FC12FC1L,    // zfs
        0xCA451A4EL,    // bcachefs
    };

    /**
     * The system calls a watch needs, as a backend maps them: each method is the one C call its
     * name says, returns what the call returns ({@code -1} on failure) and leaves the error to
     * {@link #errno()}. This class reads the error and decides what it means.
     */
    public interface Calls {
        /**
         * {@code inotify_init1(IN_NONBLOCK | IN_CLOEXEC)}.
         *
         * @return the new descriptor, or {@code -1}
         */
        int inotifyInit();

        /**
         * {@code inotify_add_watch(fd, dir, mask)}, following a symbolic link at {@code dir}.
         *
         * @param fd   the inotify descriptor
         * @param dir  the folder
         * @param mask the events to report, {@link InotifyWatch#MASK}
         * @return the watch descriptor, or {@code -1}
         * @throws ErrnoException when the path cannot be passed to C as it is (see {@link NativePath})
         */
        int inotifyAddWatch(int fd, Path dir, int mask) throws ErrnoException;

        /**
         * {@code inotify_rm_watch(fd, wd)}.
         *
         * @param fd the inotify descriptor
         * @param wd the watch descriptor
         * @return {@code 0}, or {@code -1} (for example when the watch is already gone)
         */
        int inotifyRemoveWatch(int fd, int wd);

        /**
         * {@code eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)}.
         *
         * @return the new descriptor, or {@code -1}
         */
        int eventfd();

        /**
         * {@code poll(fds, nfds, timeout)}.
         *
         * @param fds           {@code nfds} {@code struct pollfd} in native byte order; the
         *                      {@code revents} fields are filled in
         * @param nfds          how many
         * @param timeoutMillis the longest wait in milliseconds, positive
         * @return how many descriptors are ready, {@code 0} when the time has passed, or {@code -1}
         */
        int poll(byte[] fds, int nfds, int timeoutMillis);

        /**
         * {@code read(2)} into the whole of {@code buf}.
         *
         * @param fd  the descriptor
         * @param buf where to put the bytes
         * @return the number of bytes read, or {@code -1}
         */
        long read(int fd, byte[] buf);

        /**
         * {@code write(2)} of all of {@code buf}.
         *
         * @param fd  the descriptor
         * @param buf the bytes
         * @return the number of bytes written, or {@code -1}
         */
        long write(int fd, byte[] buf);

        /**
         * {@code close(2)}.
         *
         * @param fd the descriptor
         * @return {@code 0} or {@code -1}; the descriptor is released either way
         */
        int close(int fd);

        /**
         * {@code statfs(dir, buf)}.
         *
         * @param dir the folder
         * @param buf at least {@link InotifyWatch#STATFS_SIZE} bytes, receiving {@code struct statfs}
         * @return {@code 0} or {@code -1}
         * @throws ErrnoException when the path cannot be passed to C as it is (see {@link NativePath})
         */
        int statfs(Path dir, byte[] buf) throws ErrnoException;

        /**
         * The C library's {@code errno} as it was right after the last of these calls on this
         * thread; read only after a call returned {@code -1}.
         *
         * @return the error number
         */
        int errno();
    }

    /** Room for {@code struct statfs} (120 bytes on 64-bit Linux). */
    public static final int STATFS_SIZE = 256;

    private final Calls calls;
    private final Path dir;
    private final Instance instance;
    private final int inotify;
    private final int wakeup;
    private final int wd;
    private final boolean local;
    private final Interruptor channel = new Interruptor();
    /** {@code struct pollfd[2]}: the eventfd first, then the inotify descriptor. */
    private final byte[] pollfds = new byte[2 * POLLFD_SIZE];
    private final byte[] events = new byte[EVENT_BUFFER];
    /** Set when an event was lost or the watch ended: removals may now pass unreported. */
    private boolean incomplete;
    /** Set when the watch ended (the folder is gone) or the descriptor failed: only time wakes. */
    private boolean ended;
    /** Set when a descriptor failed: the instance is closed instead of kept. */
    private boolean broken;
    private boolean closed;

    private InotifyWatch(Path dir, Instance instance, int wd, boolean local) {
        this.calls = instance.calls;
        this.dir = dir;
        this.instance = instance;
        this.inotify = instance.inotify;
        this.wakeup = instance.wakeup;
        this.wd = wd;
        this.local = local;
        ByteBuffer b = ByteBuffer.wrap(pollfds).order(ByteOrder.nativeOrder());
        b.putInt(0, wakeup).putShort(4, POLLIN);
        b.putInt(POLLFD_SIZE, inotify).putShort(POLLFD_SIZE + 4, POLLIN);
    }

    /**
     * Starts watching a folder, on an instance a finished wait left for reuse or on a new one.
     * Every descriptor opened here is closed again when a later step fails.
     *
     * @param dir   the folder
     * @param calls the backend's system calls; instances are reused only with the same object
     * @return the watch; the caller closes it
     * @throws ErrnoException when a call fails (for example {@code ENOSPC} or {@code EMFILE} at an
     *     inotify limit, {@code ENOENT} or {@code ENOTDIR}); nothing is left open then
     */
    public static ReleaseWatch open(Path dir, Calls calls) throws ErrnoException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(calls, "calls");
        Instance in = Pool.take(calls);
        if (in == null) {
            in = Instance.create(calls, dir);
        }
        int wd;
        try {
            wd = calls.inotifyAddWatch(in.inotify, dir, MASK);
            if (wd < 0) {
                throw failure(calls, "inotify_add_watch", dir);
            }
        } catch (ErrnoException | RuntimeException | Error e) {
            Pool.give(in, true); // nothing was added: the instance is as clean as before
            throw e;
        }
        boolean local;
        try {
            byte[] buf = new byte[STATFS_SIZE];
            // f_type is the first field of struct statfs, a long on 64-bit Linux
            local = calls.statfs(dir, buf) == 0 && isLocal(ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong(0));
        } catch (ErrnoException e) {
            local = false; // unknown: the core keeps its short safety pause
        }
        return new InotifyWatch(dir, in, wd, local);
    }

    /** The error of the call that just returned {@code -1} on this thread. */
    private static ErrnoException failure(Calls calls, String op, Path dir) {
        return new ErrnoException(op, dir, Errno.of(calls.errno()));
    }

    /**
     * Whether a {@code statfs(2)} {@code f_type} is a local file system's.
     *
     * @param type the magic number
     * @return {@code true} for the local file systems this class knows
     */
    static boolean isLocal(long type) {
        long t = type & 0xFFFFFFFFL;
        for (long known : LOCAL_FILE_SYSTEMS) {
            if (t == known) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean await(long nanos) throws InterruptedException {
        if (closed || !channel.isOpen()) {
            throw new IllegalStateException("the watch of " + dir + " is closed");
        }
        long end = System.nanoTime() + nanos;
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            // Rounded up, so the wait is never shorter than asked and never a busy poll of 0 ms.
            long millis = Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
            int ready;
            try {
                ready = poll((int) millis);
            } catch (ErrnoException e) {
                // Cannot happen with two valid descriptors; sleep instead of polling again.
                ended = true;
                incomplete = true;
                broken = true;
                TimeUnit.NANOSECONDS.sleep(left);
                return false;
            }
            if (ready > 0 && !ended && (pollfds[POLLFD_SIZE + 6] != 0 || pollfds[POLLFD_SIZE + 7] != 0)
                    && readEvents()) {
                return true;
            }
        }
    }

    /** One {@code poll} as an interruptible operation of {@link #channel}. */
    private int poll(int millis) throws ErrnoException, InterruptedException {
        boolean completed = false;
        int ready;
        channel.enter();
        try {
            // While the watch has ended only the eventfd is polled, so an interrupt still ends
            // the wait at once and nothing is reported over and over.
            ready = calls.poll(pollfds, ended ? 1 : 2, millis);
            if (ready < 0) {
                int errno = calls.errno();
                if (errno != Errno.EINTR.number()) {
                    throw new ErrnoException("poll", dir, Errno.of(errno));
                }
                ready = 0; // a signal: wait again for what is left
            }
            completed = true;
        } finally {
            try {
                channel.leave(completed);
            } catch (ClosedByInterruptException e) {
                Thread.interrupted(); // the contract of InterruptedException, as Thread.sleep
                InterruptedException ie = new InterruptedException("interrupted while waiting for a release in " + dir);
                ie.initCause(e);
                throw ie;
            } catch (AsynchronousCloseException e) {
                throw new IllegalStateException("the watch of " + dir + " was closed by another thread", e);
            }
        }
        return ready;
    }

    /**
     * Reads every queued event.
     *
     * @return whether one of them is a reason to wake
     */
    private boolean readEvents() {
        boolean wake = false;
        while (true) {
            long n;
            try {
                n = read(inotify);
            } catch (ErrnoException e) {
                ended = true;
                incomplete = true;
                broken = true;
                return true;
            }
            if (n <= 0) {
                return wake;
            }
            ByteBuffer b = ByteBuffer.wrap(events, 0, (int) n).order(ByteOrder.nativeOrder());
            int at = 0;
            while (at + EVENT_HEADER <= n) {
                int mask = b.getInt(at + 4);
                int len = b.getInt(at + 12);
                if (b.getInt(at) != wd && (mask & IN_Q_OVERFLOW) == 0) {
                    // an event of an earlier wait's watch on this instance (its IN_IGNORED)
                } else if ((mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_UNMOUNT | IN_DELETE_SELF | IN_MOVE_SELF)) != 0) {
                    wake = true;
                    if ((mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_UNMOUNT)) != 0) {
                        incomplete = true;
                    }
                    if ((mask & (IN_IGNORED | IN_UNMOUNT)) != 0) {
                        ended = true;
                    }
                } else if (isLockName(events, at + EVENT_HEADER, Math.min(len, (int) n - at - EVENT_HEADER))) {
                    wake = true;
                }
                at += EVENT_HEADER + len;
            }
            if (ended) {
                return true;
            }
        }
    }

    /** Whether the NUL-padded name is {@code .lock} or {@code lock}. */
    private static boolean isLockName(byte[] buf, int from, int len) {
        int end = from;
        while (end < from + len && buf[end] != 0) {
            end++;
        }
        int l = end - from;
        if (l == 4) {
            return buf[from] == 'l' && buf[from + 1] == 'o' && buf[from + 2] == 'c' && buf[from + 3] == 'k';
        }
        return l == 5 && buf[from] == '.' && isLockName(buf, from + 1, 4);
    }

    @Override
    public boolean reportsEveryRemoval() {
        return local && !incomplete && !closed;
    }

    /**
     * Ends the watch: removes the folder's watch, empties the eventfd when an interrupt wrote to
     * it, and leaves the instance for the next wait; see the class description for why it is
     * not closed here.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        channel.ownerClosing = true; // nobody waits now: closing need not wake anyone
        try {
            channel.close(); // after this no interrupting thread writes to the eventfd any more
        } catch (IOException e) {
            // implCloseChannel throws nothing
        }
        boolean reusable = !broken;
        try {
            calls.inotifyRemoveWatch(inotify, wd);
            // The events still queued (the removal's IN_IGNORED among them) carry this watch's
            // number and are skipped by the next wait; only an interrupt's write is undone here.
            if (channel.wrote) {
                reusable &= drain(wakeup);
            }
        } catch (RuntimeException | Error e) {
            reusable = false;
            throw e;
        } finally {
            Pool.give(instance, reusable);
        }
    }

    /**
     * One {@code read} of a non-blocking descriptor into {@link #events}.
     *
     * @return the bytes read, or {@code -1} when there is nothing ({@code EAGAIN}) or a signal came
     */
    private long read(int fd) throws ErrnoException {
        long n = calls.read(fd, events);
        if (n < 0) {
            int errno = calls.errno();
            if (errno != Errno.EAGAIN.number() && errno != Errno.EINTR.number()) {
                throw new ErrnoException("read", dir, Errno.of(errno));
            }
        }
        return n;
    }

    /** Reads a non-blocking descriptor until it is empty; {@code false} when a read fails. */
    private boolean drain(int fd) {
        try {
            for (int i = 0; i < 64; i++) {
                if (read(fd) <= 0) {
                    return true;
                }
            }
        } catch (ErrnoException e) {
            // fall through
        }
        return false;
    }

    @Override
    public String toString() {
        return "InotifyWatch[" + dir + (local ? ", local" : "") + (incomplete ? ", incomplete" : "")
                + (closed ? ", closed" : "") + "]";
    }

    /** An inotify descriptor and the eventfd that ends its waits, kept together for reuse. */
    private static final class Instance {
        final Calls calls;
        final int inotify;
        final int wakeup;
        long idleSince;

        private Instance(Calls calls, int inotify, int wakeup) {
            this.calls = calls;
            this.inotify = inotify;
            this.wakeup = wakeup;
        }

        static Instance create(Calls calls, Path dir) throws ErrnoException {
            int inotify = calls.inotifyInit();
            if (inotify < 0) {
                throw failure(calls, "inotify_init1", dir);
            }
            int wakeup = calls.eventfd();
            if (wakeup < 0) {
                ErrnoException e = failure(calls, "eventfd", dir);
                calls.close(inotify);
                throw e;
            }
            return new Instance(calls, inotify, wakeup);
        }

        void closeNow() {
            calls.close(wakeup);
            calls.close(inotify);
        }
    }

    /**
     * The instances finished waits left for reuse, and the daemon thread that closes those
     * nobody reused in time (and those that cannot be reused), so that no waiter pays for a close.
     */
    private static final class Pool {
        private static final java.util.ArrayDeque<Instance> IDLE = new java.util.ArrayDeque<>();
        private static final java.util.ArrayDeque<Instance> TO_CLOSE = new java.util.ArrayDeque<>();
        private static Thread closer;

        private Pool() {
        }

        static synchronized Instance take(Calls calls) {
            for (java.util.Iterator<Instance> it = IDLE.descendingIterator(); it.hasNext(); ) {
                Instance in = it.next();
                if (in.calls == calls) {
                    it.remove();
                    return in;
                }
            }
            return null;
        }

        static synchronized void give(Instance in, boolean reusable) {
            in.idleSince = System.nanoTime();
            if (reusable && IDLE.size() < MAX_IDLE) {
                IDLE.addLast(in);
            } else {
                TO_CLOSE.addLast(in);
            }
            if (closer == null) {
                Thread t = new Thread(Pool::closeIdle, "astlock-release-watch-closer");
                t.setDaemon(true);
                closer = t;
                t.start();
            } else if (!TO_CLOSE.isEmpty()) {
                Pool.class.notifyAll();
            }
        }

        /** The closing thread: closes what is due, sleeps until the next is due, ends when none is left. */
        private static void closeIdle() {
            long linger = TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
            while (true) {
                java.util.List<Instance> due = new java.util.ArrayList<>();
                synchronized (Pool.class) {
                    due.addAll(TO_CLOSE);
                    TO_CLOSE.clear();
                    long now = System.nanoTime();
                    while (!IDLE.isEmpty() && now - IDLE.peekFirst().idleSince >= linger) {
                        due.add(IDLE.pollFirst());
                    }
                    if (due.isEmpty()) {
                        if (IDLE.isEmpty()) {
                            closer = null;
                            return;
                        }
                        long wait = IDLE.peekFirst().idleSince + linger - now;
                        try {
                            TimeUnit.NANOSECONDS.timedWait(Pool.class, Math.max(wait, 1));
                        } catch (InterruptedException e) {
                            // a daemon of ours: nobody interrupts it; go on tidying
                        }
                        continue;
                    }
                }
                for (Instance in : due) {
                    in.closeNow(); // may take milliseconds: the kernel retires the instance
                }
            }
        }
    }

    /**
     * The interruptible channel the wait is an operation of. Closing it on the interrupting
     * thread (done by the JDK) only writes to the eventfd; closing it in
     * {@link InotifyWatch#close()}, when nobody waits, does nothing.
     */
    private final class Interruptor extends AbstractInterruptibleChannel {
        private final byte[] one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 1).array();
        /** Set by the owner before it closes the channel itself. */
        volatile boolean ownerClosing;
        /** Set when closing wrote to the eventfd, which the owner then empties for the next wait. */
        volatile boolean wrote;

        void enter() {
            begin();
        }

        void leave(boolean completed) throws AsynchronousCloseException {
            end(completed);
        }

        @Override
        protected void implCloseChannel() {
            if (!ownerClosing) {
                wrote = true;
                calls.write(wakeup, one);
            }
        }
    }
}
