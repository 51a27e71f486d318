package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockFailedException.Reason;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.FileType;
import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The FLOCK protocol against the fault-injecting fake backend. */
class FlockProtocolTest {
    private static final Path DIR = Path.of("/spool/vm/default/1234/Old");
    private static final Path LOCK = DIR.resolve("lock");

    private FakeFileOps fs;
    private PathLocker locker;

    @BeforeEach
    void setUp() {
        fs = new FakeFileOps();
        fs.mkdir(DIR);
        locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK).timeout(Duration.ofMillis(300)).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE, LockMode.FLOCK)));
    }

    @Test
    void lockHoldsTheDescriptorAndReleaseKeepsTheFile() throws Exception {
        try (PathLock lock = locker.lock(DIR)) {
            assertEquals(LOCK, lock.lockFile());
            assertEquals(1, fs.heldFlocks());
            assertTrue(lock.isValid());
        }
        assertEquals(0, fs.heldFlocks());
        assertEquals(List.of("lock"), fs.list(DIR), "release must not unlink 'lock' (KD-1)");
    }

    @Test
    void identityMismatchAfterFlockRetriesOnTheNewFile() throws Exception {
        // Between our open and our flock the holder unlinked 'lock' and a new one appeared.
        fs.afterFlockOnce = () -> fs.replace(LOCK);
        try (PathLock lock = locker.lock(DIR)) {
            assertEquals(2, fs.openCalls.get(), "re-opened after locking an orphan");
            assertTrue(lock.isValid(), "holds the inode now named 'lock'");
        }
    }

    @Test
    void unlinkedAfterFlockRetries() throws Exception {
        fs.afterFlockOnce = () -> fs.removeName(LOCK);
        try (PathLock lock = locker.lock(DIR)) {
            assertEquals(2, fs.openCalls.get());
            assertTrue(fs.exists(LOCK));
        }
    }

    @Test
    void foreignHolderMakesUsTimeOutAndLeavesTheFile() {
        fs.holdForeignFlock(LOCK);
        long t0 = System.nanoTime();
        assertThrows(LockTimeoutException.class, () -> locker.lock(DIR));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // not before the configured 300 ms; the upper bound only guards against a hang
        assertTrue(ms >= 300, "gave up before the timeout: " + ms + " ms");
        assertTrue(ms < 10_000, "hang guard: " + ms + " ms");
        assertTrue(fs.flockCalls.get() < 40, "slept between attempts: " + fs.flockCalls.get());
        assertEquals(List.of("lock"), fs.list(DIR));
    }

    @Test
    void acquiresAfterTheForeignHolderReleases() throws Exception {
        // a long timeout: on a busy machine the release may come late, which must not matter
        PathLocker patient = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK)
                .timeout(Duration.ofSeconds(60)).build(), new FakeBackend(fs, Set.of(LockMode.LOCKFILE, LockMode.FLOCK)));
        fs.holdForeignFlock(LOCK);
        java.util.concurrent.atomic.AtomicLong releasedAt = new java.util.concurrent.atomic.AtomicLong();
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(150);
            } catch (InterruptedException ignored) {
                return;
            }
            releasedAt.set(System.nanoTime());
            fs.releaseForeignFlock(LOCK);
        });
        releaser.start();
        try (PathLock lock = patient.lock(DIR)) {
            long acquiredAt = System.nanoTime();
            assertTrue(releasedAt.get() != 0, "acquired while the foreign holder still held the flock");
            long ms = (acquiredAt - releasedAt.get()) / 1_000_000;
            assertTrue(ms < 10_000, "hang guard: acquired " + ms + " ms after the release");
            assertTrue(lock.isValid());
        }
        releaser.join();
    }

    @Test
    void symlinkIsRefused() {
        fs.create(LOCK, FileType.SYMLINK);
        LockFailedException e = assertThrows(LockFailedException.class, () -> locker.lock(DIR));
        assertEquals(Reason.SYMLINK, e.reason());
        assertEquals("ELOOP", e.errno().orElseThrow().name());
    }

    @Test
    void secondHardLinkIsRefused() {
        fs.create(LOCK, FileType.REGULAR);
        fs.hardLink(LOCK, DIR.resolve("elsewhere"));
        LockFailedException e = assertThrows(LockFailedException.class, () -> locker.lock(DIR));
        assertEquals(Reason.HARD_LINKS, e.reason());
        assertTrue(e.getMessage().contains("2 hard links"), e.getMessage());
        assertEquals(0, fs.heldFlocks());
    }

    @Test
    void fifoIsRefusedWithoutHanging() {
        fs.create(LOCK, FileType.FIFO);
        LockFailedException e = assertThrows(LockFailedException.class, () -> locker.lock(DIR));
        assertEquals(Reason.NOT_REGULAR_FILE, e.reason());
    }

    @Test
    void directoryIsRefused() {
        fs.create(LOCK, FileType.DIRECTORY);
        LockFailedException e = assertThrows(LockFailedException.class, () -> locker.lock(DIR));
        assertEquals(Reason.NOT_REGULAR_FILE, e.reason());
        assertEquals("EISDIR", e.errno().orElseThrow().name());
    }

    @Test
    void flockErrorOtherThanWouldBlockIsReportedAtOnce() {
        fs.flockError = Errno.ENOLCK;
        LockFailedException e = assertThrows(LockFailedException.class, () -> locker.lock(DIR));
        assertEquals(Reason.UNSUPPORTED_FILE_SYSTEM, e.reason());
        assertEquals(1, fs.flockCalls.get());
        assertEquals(0, fs.heldFlocks());
    }

    @Test
    void lockReplacedWhileHeldIsReportedOnRelease() throws Exception {
        PathLock lock = locker.lock(DIR);
        fs.replace(LOCK);
        assertFalse(lock.isValid());
        LockLostException e = assertThrows(LockLostException.class, lock::close);
        assertTrue(e.getMessage().contains("replaced"), e.getMessage());
        assertEquals(0, fs.heldFlocks(), "descriptor closed anyway");
    }

    @Test
    void unsupportedModeIsRefusedAtOnceWithTheBackendsReason() {
        PathLocker lockfileOnly = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE)));
        LockFailedException e = assertThrows(LockFailedException.class, () -> lockfileOnly.lock(DIR));
        assertEquals(Reason.UNSUPPORTED_MODE, e.reason());
        assertTrue(e.getMessage().contains("use another"), e.getMessage());
        assertEquals(List.of(), fs.list(DIR));
    }
}
