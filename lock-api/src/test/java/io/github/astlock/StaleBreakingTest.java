package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stale-lock policy against the fake: what is broken, what never is, and the put-back path. */
class StaleBreakingTest {
    private static final Path DIR = Path.of("/spool/INBOX");
    private static final Path LOCK = DIR.resolve(".lock");

    private FakeFileOps fs;

    @BeforeEach
    void setUp() {
        fs = new FakeFileOps();
        fs.mkdir(DIR);
    }

    private PathLocker locker(StalePolicy policy) {
        return PathLocker.create(LockOptions.builder().timeout(Duration.ofMillis(100)).stalePolicy(policy).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE)));
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static byte[] record(long pid, long start, String host) {
        return new LockOwner(pid, start, host, "jvm", "tok", Instant.now()).toBytes();
    }

    @Test
    void neverIsTheDefault() throws Exception {
        fs.write(LOCK, record(deadPid(), 1, LockOwner.thisHost()));
        assertEquals(StalePolicy.NEVER, LockOptions.defaults().stalePolicy());
        assertThrows(LockTimeoutException.class, () -> locker(StalePolicy.NEVER).lock(DIR));
        assertTrue(fs.exists(LOCK));
    }

    @Test
    void deadOwnerOnThisHostIsBroken() throws Exception {
        fs.write(LOCK, record(deadPid(), 1, LockOwner.thisHost()));
        try (PathLock lock = locker(StalePolicy.deadOwner()).lock(DIR)) {
            assertTrue(lock.isValid());
        }
        assertEquals(List.of(), fs.list(DIR), "nothing moved aside is left");
    }

    @Test
    void hugeAgeLimitIsJudgedWithoutOverflow() throws Exception {
        // Asterisk's empty .lock: no owner record, so only the age limit could break it. A limit
        // far beyond what fits in a long of milliseconds must mean "never", not an exception.
        fs.write(LOCK, new byte[0]);
        PathLocker locker = locker(StalePolicy.olderThan(Duration.ofSeconds(Long.MAX_VALUE)));
        assertThrows(LockTimeoutException.class, () -> locker.lock(DIR));
        assertEquals(Optional.empty(), locker.breakStaleLock(DIR,
                StalePolicy.olderThan(Duration.ofSeconds(Long.MAX_VALUE)), false));
        assertTrue(fs.exists(LOCK));
    }

    @Test
    void ownerOnAnotherHostIsNeverJudgedDead() throws Exception {
        fs.write(LOCK, record(deadPid(), 1, "some-other-host"));
        assertThrows(LockTimeoutException.class, () -> locker(StalePolicy.deadOwner()).lock(DIR));
        assertEquals(LockOwner.Liveness.UNKNOWN, LockOwner.parse(fs.read(LOCK, 4096)).orElseThrow().liveness());
    }

    @Test
    void lockReplacedBetweenJudgementAndRenameIsPutBack() throws Exception {
        fs.write(LOCK, record(deadPid(), 1, LockOwner.thisHost()));
        long me = ProcessHandle.current().pid();
        byte[] fresh = record(me, LockOwner.startTicks(me), LockOwner.thisHost());
        // A stranger removes the stale lock and takes a fresh one right before our rename.
        fs.beforeRenameOnce = () -> {
            fs.removeName(LOCK);
            fs.write(LOCK, fresh);
        };
        assertThrows(LockTimeoutException.class, () -> locker(StalePolicy.deadOwner()).lock(DIR));
        assertArrayEquals(fresh, fs.read(LOCK, 4096), "the fresh lock must be back in place");
        assertEquals(List.of(".lock"), fs.list(DIR), "nothing moved aside is left");
    }

    @Test
    void breakStaleLockReportsAndDryRunChangesNothing() throws Exception {
        fs.write(LOCK, record(deadPid(), 1, LockOwner.thisHost()));
        PathLocker locker = locker(StalePolicy.NEVER);
        Optional<String> would = locker.breakStaleLock(DIR, StalePolicy.deadOwner(), true);
        assertTrue(would.orElseThrow().contains("no longer runs"), would.toString());
        assertTrue(fs.exists(LOCK));
        assertEquals(would, locker.breakStaleLock(DIR, StalePolicy.deadOwner(), false));
        assertFalse(fs.exists(LOCK));
        assertEquals(Optional.empty(), locker.breakStaleLock(DIR, StalePolicy.deadOwner(), false));
    }

    @Test
    void policiesValidateAndDescribeThemselves() {
        assertThrows(IllegalArgumentException.class, () -> StalePolicy.olderThan(Duration.ofMillis(10)));
        assertEquals("dead owner or older than 60000 ms", StalePolicy.deadOwner().orOlderThan(Duration.ofMinutes(1)).toString());
        assertFalse(StalePolicy.NEVER.isActive());
        assertThrows(IllegalArgumentException.class, () -> LockOptions.builder().stalePolicy(null));
    }
}
