package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockFailedException.Reason;
import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Threads of one JVM: the in-memory queue per directory, re-entry, release from other threads. */
class LocalExclusionTest {
    private static final Path DIR = Path.of("/spool/INBOX");

    private FakeFileOps fs;
    private PathLocker locker;

    @BeforeEach
    void setUp() {
        fs = new FakeFileOps();
        fs.mkdir(DIR);
        locker = PathLocker.create(LockOptions.builder().timeout(Duration.ofSeconds(5)).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE)));
    }

    @Test
    void threadsQueueInMemoryInsteadOfPollingTheDisk() throws Exception {
        int threads = 6;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < threads; i++) {
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                    for (int round = 0; round < 20; round++) {
                        try (PathLock lock = locker.lock(DIR)) {
                            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Thread.sleep(0, 200_000);
                            inside.decrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, java.util.concurrent.Executors.newCachedThreadPool()));
        }
        go.countDown();
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        assertEquals(1, maxInside.get());
        // At most one link per lock: no thread polled the disk against another (hand-overs
        // between threads save links, so there may be fewer).
        assertTrue(fs.linkCalls.get() <= threads * 20, "links: " + fs.linkCalls.get());
    }

    @Test
    void sameThreadRelockFailsAtOnce() throws Exception {
        // a 60 s timeout: waiting for it instead of failing at once could not pass the bound below
        PathLocker patient = PathLocker.create(LockOptions.builder().timeout(Duration.ofSeconds(60)).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE)));
        try (PathLock lock = patient.lock(DIR)) {
            long t0 = System.nanoTime();
            LockFailedException e = assertThrows(LockFailedException.class, () -> patient.lock(DIR));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 30_000, "refused at once, not after the timeout: " + ms + " ms");
            assertEquals(Reason.ALREADY_HELD, e.reason());
            assertTrue(lock.isValid(), "the first lock is unaffected");
        }
        patient.lock(DIR).close(); // free again afterwards
    }

    @Test
    void otherSpellingOfTheSameDirectoryIsTheSameLock() throws Exception {
        try (PathLock lock = locker.lock(DIR)) {
            Path other = Path.of("/spool/INBOX/");
            assertThrows(LockFailedException.class, () -> locker.lock(other));
        }
    }

    @Test
    void releaseFromAnotherThreadHandsTheLockOn() throws Exception {
        PathLock lock = locker.lock(DIR);
        CompletableFuture.runAsync(() -> {
            try {
                lock.close();
            } catch (LockException e) {
                throw new RuntimeException(e);
            }
        }).get(5, TimeUnit.SECONDS);
        assertTrue(lock.isReleased());
        try (PathLock again = locker.lock(DIR, Duration.ZERO)) {
            assertTrue(again.isValid());
        }
    }

    @Test
    void timeoutWhileAnotherThreadHoldsNamesIt() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (PathLock lock = locker.lock(DIR)) {
                held.countDown();
                done.await();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "holder-thread");
        holder.start();
        held.await();
        LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> locker.lock(DIR, Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("holder-thread"), e.getMessage());
        done.countDown();
        holder.join();
    }
}
