package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.internal.LocalLockTable;
import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A held lock passed from one thread to a waiting one without a release on disk. */
class HandOverTest {
    private static final Path DIR = Path.of("/spool/INBOX");
    private static final Path LOCK = DIR.resolve(".lock");

    private FakeFileOps fs;
    private FakeBackend backend;
    private PathLocker locker;

    @BeforeEach
    void setUp() {
        fs = new FakeFileOps();
        fs.mkdir(DIR);
        backend = new FakeBackend(fs, Set.of(LockMode.LOCKFILE, LockMode.FLOCK));
        locker = PathLocker.create(LockOptions.builder().timeout(Duration.ofSeconds(30)).build(), backend);
    }

    /** Starts a thread that locks DIR with {@code l} and waits until it is queued behind the holder. */
    private CompletableFuture<PathLock> queuedWaiter(PathLocker l) throws InterruptedException {
        CompletableFuture<PathLock> got = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                got.complete(l.lockInterruptibly(DIR));
            } catch (Throwable e) {
                got.completeExceptionally(e);
            }
        }, "waiter");
        t.start();
        // Parked in the in-memory queue (no other wait is possible while a thread of this JVM holds).
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.TIMED_WAITING && !got.isDone()) {
            assertTrue(System.nanoTime() < end, "the waiter never queued");
            Thread.sleep(1);
        }
        assertFalse(got.isDone(), "the waiter got the lock while it was held");
        return got;
    }

    @Test
    void waitingThreadReceivesTheLockWithoutADiskRoundTrip() throws Exception {
        // A lock held on disk longer than the table's bound is released, not handed over; on a
        // busy machine queueing the waiter can take that long, so rounds that overran the bound
        // (measured from before the lock call, so never shorter than the table's own measure)
        // are repeated, and only a round within it decides.
        for (int round = 0; round < 50; round++) {
            long t0 = System.nanoTime();
            PathLock first = locker.lock(DIR);
            int links = fs.linkCalls.get();
            CompletableFuture<PathLock> waiter = queuedWaiter(locker);
            boolean inTime = System.nanoTime() - t0 < LocalLockTable.MAX_HAND_OVER_NANOS;
            first.close();
            assertTrue(first.isReleased());
            try (PathLock second = waiter.get(30, TimeUnit.SECONDS)) {
                assertTrue(second.isValid(), "the receiver holds a valid lock");
                if (!inTime) {
                    continue;
                }
                assertEquals(links, fs.linkCalls.get(), "handed over: no new link");
                assertTrue(fs.exists(LOCK), ".lock stayed in place");
            }
            assertFalse(fs.exists(LOCK), "the receiver's close released on disk (nobody waited)");
            assertTrue(fs.list(DIR).isEmpty(), "nothing left behind: " + fs.list(DIR));
            return;
        }
        org.junit.jupiter.api.Assumptions.abort("in 50 rounds this machine never queued a waiter within "
                + LocalLockTable.MAX_HAND_OVER_NANOS / 1_000_000 + " ms of taking the lock; the hand-over was not tested");
    }

    @Test
    void stolenLockIsReportedToTheCloserAndNotHandedOver() throws Exception {
        PathLock first = locker.lock(DIR);
        int links = fs.linkCalls.get();
        CompletableFuture<PathLock> waiter = queuedWaiter(locker);
        fs.removeName(LOCK); // Asterisk's blind unlink while we hold it
        assertThrows(LockLostException.class, first::close);
        try (PathLock second = waiter.get(30, TimeUnit.SECONDS)) {
            assertEquals(links + 1, fs.linkCalls.get(), "the waiter took the lock on disk");
            assertTrue(second.isValid(), "the waiter holds its own, valid lock");
        }
        assertTrue(fs.list(DIR).isEmpty(), "nothing left behind: " + fs.list(DIR));
    }

    @Test
    void incompatibleWaiterTakesTheLockOnDisk() throws Exception {
        PathLocker flock = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK)
                .timeout(Duration.ofSeconds(30)).build(), backend);
        PathLock first = locker.lock(DIR);
        CompletableFuture<PathLock> waiter = queuedWaiter(flock);
        first.close();
        assertFalse(fs.exists(LOCK), "released on disk, not handed to a FLOCK-mode locker");
        waiter.get(30, TimeUnit.SECONDS).close();
        assertEquals(0, fs.heldFlocks());
    }

    @Test
    void interruptedWaiterIsNotHandedAnythingAndNothingStaysHeld() throws Exception {
        PathLock first = locker.lock(DIR);
        AtomicReference<Thread> waiting = new AtomicReference<>();
        CompletableFuture<PathLock> got = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            waiting.set(Thread.currentThread());
            try {
                got.complete(locker.lockInterruptibly(DIR));
            } catch (Throwable e) {
                got.completeExceptionally(e);
            }
        });
        t.start();
        while (t.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
        t.interrupt();
        ExecutionException e = assertThrows(ExecutionException.class, () -> got.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof InterruptedException, e.getCause().toString());
        first.close();
        assertFalse(fs.exists(LOCK), "released on disk: the only waiter had gone");
        try (PathLock again = locker.lock(DIR, Duration.ZERO)) {
            assertTrue(again.isValid());
        }
    }

    @Test
    void handOversInARowAreBoundedByARealRelease() throws Exception {
        // Two threads take turns for as long as the test runs; every MAX_HAND_OVERS + 1 turns at
        // the latest, one of them releases on disk and takes the lock again with a link.
        int turns = 10 * (LocalLockTable.MAX_HAND_OVERS + 1);
        PathLock[] holding = new PathLock[1];
        holding[0] = locker.lock(DIR);
        for (int i = 0; i < turns; i++) {
            CompletableFuture<PathLock> next = queuedWaiter(locker);
            holding[0].close();
            holding[0] = next.get(30, TimeUnit.SECONDS);
        }
        holding[0].close();
        int links = fs.linkCalls.get();
        assertTrue(links >= (turns + 1) / (LocalLockTable.MAX_HAND_OVERS + 1),
                "at least one real release every " + (LocalLockTable.MAX_HAND_OVERS + 1) + " turns; links: " + links);
        assertTrue(links < turns + 1, "some turns were handed over; links: " + links);
        assertTrue(fs.list(DIR).isEmpty(), "nothing left behind: " + fs.list(DIR));
    }
}
