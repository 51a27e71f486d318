package io.github.astlock.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The inotify watch's own logic against scripted system calls: which events wake, what the poll
 * is asked for, and that every descriptor is closed on every path. The real kernel is exercised
 * by the compatibility kit (rules SPI14 and SPI15) on each native backend.
 */
class InotifyWatchTest {
    private static final Path DIR = Path.of("/spool/1234/INBOX");

    /** Scripted calls: each poll reports the inotify descriptor readable when events are queued. */
    private static final class Script implements InotifyWatch.Calls {
        final Deque<byte[]> reads = new ArrayDeque<>();
        final List<Integer> pollTimeouts = new ArrayList<>();
        final List<Integer> pollCounts = new ArrayList<>();
        final List<Integer> closed = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Integer> removed = new ArrayList<>();
        int nextWd = 1;
        int failAddWatch;
        int failEventfd;
        long fsType = 0x01021994L;
        int nextFd = 10;
        int errno;

        @Override
        public int inotifyInit() {
            return nextFd++;
        }

        @Override
        public int inotifyAddWatch(int fd, Path dir, int mask) {
            assertEquals(0, mask & 0x8, "never IN_CLOSE_WRITE");
            assertEquals(0, mask & 0x10, "never IN_CLOSE_NOWRITE");
            assertEquals(0, mask & 0x20, "never IN_OPEN");
            if (failAddWatch != 0) {
                errno = failAddWatch;
                return -1;
            }
            return nextWd++;
        }

        @Override
        public int inotifyRemoveWatch(int fd, int wd) {
            removed.add(wd);
            return 0;
        }

        @Override
        public int eventfd() {
            if (failEventfd != 0) {
                errno = failEventfd;
                return -1;
            }
            return nextFd++;
        }

        @Override
        public int poll(byte[] fds, int nfds, int timeoutMillis) {
            pollTimeouts.add(timeoutMillis);
            pollCounts.add(nfds);
            ByteBuffer b = ByteBuffer.wrap(fds).order(ByteOrder.nativeOrder());
            boolean readable = !reads.isEmpty() && nfds == 2;
            b.putShort(8 + 6, (short) (readable ? 1 : 0));
            if (!readable) {
                try {
                    Thread.sleep(timeoutMillis); // as the kernel's poll: at least that long
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return readable ? 1 : 0;
        }

        @Override
        public long read(int fd, byte[] buf) {
            byte[] next = reads.poll();
            if (next == null) {
                errno = Errno.EAGAIN.number();
                return -1;
            }
            System.arraycopy(next, 0, buf, 0, next.length);
            return next.length;
        }

        @Override
        public long write(int fd, byte[] buf) {
            return buf.length;
        }

        @Override
        public int close(int fd) {
            closed.add(fd);
            return 0;
        }

        @Override
        public int statfs(Path dir, byte[] buf) {
            ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).putLong(0, fsType);
            return 0;
        }

        @Override
        public int errno() {
            return errno;
        }
    }

    /** One {@code struct inotify_event}, its name padded with NULs to 16 bytes. */
    private static byte[] event(int mask, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int len = name.isEmpty() ? 0 : 16;
        ByteBuffer b = ByteBuffer.allocate(16 + len).order(ByteOrder.nativeOrder());
        b.putInt(1).putInt(mask).putInt(0).putInt(len).put(n);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    @Test
    void onlyTheLockNamesWake() throws Exception {
        Script s = new Script();
        try (ReleaseWatch w = InotifyWatch.open(DIR, s)) {
            s.reads.add(concat(event(InotifyWatch.IN_DELETE, ".lock-0123abcd"), event(InotifyWatch.IN_ATTRIB, ".lock.x"),
                    event(InotifyWatch.IN_MODIFY, "locks"), event(InotifyWatch.IN_DELETE, ".loc")));
            assertFalse(w.await(3_000_000), "other names must not wake");
            s.reads.add(concat(event(InotifyWatch.IN_DELETE, "msg0000.txt"), event(InotifyWatch.IN_DELETE, ".lock")));
            assertTrue(w.await(Long.MAX_VALUE / 4));
            s.reads.add(event(InotifyWatch.IN_MOVED_FROM, "lock"));
            assertTrue(w.await(Long.MAX_VALUE / 4));
            assertTrue(w.reportsEveryRemoval(), "tmpfs, nothing lost");
        }
        assertEquals(List.of(1), s.removed, "close() removes the folder's watch at once");
        closedEventually(s, 10, 11);
    }

    @Test
    void pollTimeoutsAreRoundedUpAndNeverZero() throws Exception {
        Script s = new Script();
        try (ReleaseWatch w = InotifyWatch.open(DIR, s)) {
            long t0 = System.nanoTime();
            assertFalse(w.await(1_500_000));
            assertTrue(System.nanoTime() - t0 >= 1_500_000, "a wait nothing wakes lasts at least as long as asked");
            assertFalse(s.pollTimeouts.isEmpty());
            assertFalse(w.await(1));
            assertFalse(w.await(0));
        }
        assertTrue(s.pollTimeouts.stream().allMatch(t -> t > 0), "no poll of 0 ms: " + s.pollTimeouts);
    }

    @Test
    void lostEventsWakeAndEndTheCertainty() throws Exception {
        Script s = new Script();
        try (ReleaseWatch w = InotifyWatch.open(DIR, s)) {
            s.reads.add(event(InotifyWatch.IN_Q_OVERFLOW, ""));
            assertTrue(w.await(Long.MAX_VALUE / 4));
            assertFalse(w.reportsEveryRemoval(), "after an overflow a removal may have passed unreported");
        }
    }

    @Test
    void anEndedWatchWakesOnceThenOnlyWaitsOnTheEventfd() throws Exception {
        Script s = new Script();
        try (ReleaseWatch w = InotifyWatch.open(DIR, s)) {
            s.reads.add(concat(event(InotifyWatch.IN_DELETE_SELF, ""), event(InotifyWatch.IN_IGNORED, "")));
            assertTrue(w.await(Long.MAX_VALUE / 4));
            assertFalse(w.reportsEveryRemoval());
            s.reads.add(event(InotifyWatch.IN_DELETE, ".lock"));
            assertFalse(w.await(2_000_000), "nothing is read from a watch that has ended");
            assertEquals(1, s.pollCounts.get(s.pollCounts.size() - 1), "only the eventfd is polled");
        }
    }

    @Test
    void aFileSystemOfAnUnknownKindIsNotTrustedToReportEverything() throws Exception {
        Script s = new Script();
        s.fsType = 0x6969; // NFS
        try (ReleaseWatch w = InotifyWatch.open(DIR, s)) {
            assertFalse(w.reportsEveryRemoval());
        }
        assertTrue(InotifyWatch.isLocal(0xEF53));
        assertTrue(InotifyWatch.isLocal(0xFFFFFFFF9123683EL), "a sign-extended btrfs magic");
        assertFalse(InotifyWatch.isLocal(0x794C7630L), "overlayfs");
    }

    @Test
    void aFailedSetUpClosesWhatItOpened() throws Exception {
        Script s = new Script();
        s.failAddWatch = 28;
        ErrnoException e = assertThrows(ErrnoException.class, () -> InotifyWatch.open(DIR, s));
        assertEquals("ENOSPC", e.errno().name(), e.getMessage());
        assertEquals(DIR, e.path());
        closedEventually(s, 10, 11);

        Script t = new Script();
        t.failEventfd = 24;
        assertEquals("EMFILE", assertThrows(ErrnoException.class, () -> InotifyWatch.open(DIR, t)).errno().name());
        assertEquals(List.of(10), t.closed, "the inotify descriptor is closed when the eventfd fails");
    }

    @Test
    void aClosedWatchCannotWaitAndClosesOnce() throws Exception {
        Script s = new Script();
        ReleaseWatch w = InotifyWatch.open(DIR, s);
        w.close();
        w.close();
        assertEquals(List.of(1), s.removed, "the watch is removed once");
        assertThrows(IllegalStateException.class, () -> w.await(1));
        closedEventually(s, 10, 11);
        Thread.sleep(100);
        assertEquals(2, s.closed.size(), "each descriptor is closed once: " + s.closed);
    }

    @Test
    void aFinishedWaitsInstanceServesTheNextWaitAndItsOldEventsDoNotWake() throws Exception {
        Script s = new Script();
        InotifyWatch.open(DIR, s).close();
        try (ReleaseWatch w = InotifyWatch.open(DIR, s)) {
            assertEquals(12, s.nextFd, "no new descriptors: the instance was reused");
            s.reads.add(concat(event(InotifyWatch.IN_IGNORED, ""), event(InotifyWatch.IN_DELETE, ".lock")));
            // both events carry watch descriptor 1, the first wait's: neither wakes the second
            assertFalse(w.await(2_000_000));
            assertTrue(w.reportsEveryRemoval(), "an old watch's end is not this watch's end");
        }
        closedEventually(s, 10, 11);
    }

    /** Waits (a generous bound) until the closing thread has closed the given descriptors. */
    private static void closedEventually(Script s, Integer... fds) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!s.closed.containsAll(List.of(fds)) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(s.closed.containsAll(List.of(fds)), "descriptors " + List.of(fds) + " must be closed: " + s.closed);
    }
}
