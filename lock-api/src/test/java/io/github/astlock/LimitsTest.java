package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.internal.Backoff;
import io.github.astlock.internal.RecentSweeps;
import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Very long durations, the facade after its directory was deleted, and the bounded sweep memory. */
class LimitsTest {
    private static final Path DIR = Path.of("/spool/LIMITS");
    private static final Duration CENTURIES = Duration.ofDays(365L * 300);
    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    @Test
    void durationsBeyondTheRangeOfNanosecondsSaturate() throws Exception {
        for (Duration d : List.of(CENTURIES, FOREVER)) {
            FakeFileOps fs = new FakeFileOps();
            fs.mkdir(DIR);
            LockOptions options = LockOptions.builder().timeout(d).backoff(Duration.ofMillis(1), d)
                    .leftoverAge(d).stalePolicy(StalePolicy.olderThan(d)).build();
            assertTrue(options.toString().contains("timeout="), options.toString());
            assertTrue(options.stalePolicy().toString().startsWith("older than"));
            assertTrue(Backoff.deadline(d) > System.nanoTime());
            PathLocker locker = PathLocker.create(options, new FakeBackend(fs, Set.of(LockMode.LOCKFILE)));
            locker.lock(DIR).close();
            locker.lock(DIR, d).close();
            new LockTimeoutException(DIR, LockMode.LOCKFILE, d, "test").getMessage();
        }
    }

    @Test
    void aWaitWithAnEndlessTimeoutEndsWhenTheHolderReleases() throws Exception {
        FakeFileOps fs = new FakeFileOps();
        fs.mkdir(DIR);
        PathLocker locker = PathLocker.create(LockOptions.builder().timeout(FOREVER).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE)));
        PathLock held = locker.lock(DIR);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try (PathLock l = locker.lock(DIR)) {
                return l.isValid();
            } catch (LockException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(waiting.await(60, TimeUnit.SECONDS));
        held.close();
        assertTrue(waiter.get(120, TimeUnit.SECONDS));
    }

    @Test
    void theFacadeReleasesALockWhoseDirectoryWasDeleted() {
        FakeFileOps fs = new FakeFileOps();
        fs.mkdir(DIR);
        AstLockPath ast = new AstLockPath(PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK)
                .timeout(Duration.ZERO).build(), new FakeBackend(fs, Set.of(LockMode.FLOCK))));
        assertEquals(AstLockResult.SUCCESS, ast.lockPath(DIR.toString()));
        assertEquals(1, fs.heldFlocks());
        fs.removeName(DIR.resolve("lock"));
        fs.removeName(DIR);
        assertEquals(-1, ast.unlockPath(DIR.toString()), "the lock was lost with its directory");
        assertEquals(0, fs.heldFlocks(), "its descriptor is closed");
        assertEquals(-1, ast.unlockPath(DIR.toString()), "and the entry is gone");
        fs.mkdir(DIR);
        assertEquals(AstLockResult.SUCCESS, ast.lockPath(DIR + "/"));
        assertEquals(0, ast.unlockPath(DIR.toString()));
    }

    @Test
    void theFacadeReleasesALockWhoseDirectoryWasReplaced() {
        FakeFileOps fs = new FakeFileOps();
        fs.mkdir(DIR);
        AstLockPath ast = new AstLockPath(PathLocker.create(LockOptions.builder().timeout(Duration.ZERO).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE))));
        assertEquals(AstLockResult.SUCCESS, ast.lockPath(DIR.toString()));
        fs.removeName(DIR.resolve(".lock"));
        fs.removeName(DIR);
        fs.mkdir(DIR);
        assertEquals(-1, ast.unlockPath(DIR.toString()), "the lock was lost with its directory");
        assertEquals(AstLockResult.SUCCESS, ast.lockPath(DIR.toString()), "the new directory is free");
        assertEquals(0, ast.unlockPath(DIR.toString()));
    }

    @Test
    void sweepMemoryIsBounded() {
        RecentSweeps sweeps = new RecentSweeps(3);
        for (int i = 0; i < 1000; i++) {
            assertTrue(sweeps.due(Path.of("/spool/d" + i), FOREVER), "a new directory is due");
        }
        assertEquals(3, sweeps.size());
        assertTrue(!sweeps.due(Path.of("/spool/d999"), FOREVER), "a recent one is not due again");
        assertTrue(sweeps.due(Path.of("/spool/d999"), Duration.ZERO), "unless the interval has passed");
    }
}
