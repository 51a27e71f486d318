package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.FileType;
import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BOTH mode: FLOCK then LOCKFILE, reverse release, partial acquisitions undone. */
class BothProtocolTest {
    private static final Path DIR = Path.of("/spool/INBOX");

    private FakeFileOps fs;
    private PathLocker locker;

    @BeforeEach
    void setUp() {
        fs = new FakeFileOps();
        fs.mkdir(DIR);
        locker = PathLocker.create(LockOptions.builder().mode(LockMode.BOTH).timeout(Duration.ofMillis(200)).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE, LockMode.FLOCK)));
    }

    @Test
    void holdsBothAndReleasesBoth() throws Exception {
        try (PathLock lock = locker.lock(DIR)) {
            assertEquals(List.of(".lock", "lock"), fs.list(DIR));
            assertEquals(1, fs.heldFlocks());
            assertEquals(DIR.resolve("lock"), lock.lockFile());
        }
        assertEquals(List.of("lock"), fs.list(DIR));
        assertEquals(0, fs.heldFlocks());
    }

    @Test
    void lockfileTimeoutReleasesTheFlockAndNamesBoth() {
        fs.create(DIR.resolve(".lock"), FileType.REGULAR);
        LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> locker.lock(DIR));
        assertEquals(0, fs.heldFlocks(), "the flock taken first is released");
        assertEquals(LockMode.BOTH, e.mode());
        assertTrue(e.getMessage().contains("lock files") && e.getMessage().contains("BOTH"), e.getMessage());
    }

    @Test
    void lossOfTheLockfileIsReportedAndTheFlockStillReleased() throws Exception {
        PathLock lock = locker.lock(DIR);
        fs.replace(DIR.resolve(".lock"));
        assertThrows(LockLostException.class, lock::close);
        assertEquals(0, fs.heldFlocks());
        assertTrue(fs.exists(DIR.resolve(".lock")), "the stranger's .lock stays");
    }

    @Test
    void refusedWhenTheBackendLacksFlock() {
        PathLocker lockfileOnly = PathLocker.create(LockOptions.builder().mode(LockMode.BOTH).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE)));
        LockFailedException e = assertThrows(LockFailedException.class, () -> lockfileOnly.lock(DIR));
        assertEquals(LockFailedException.Reason.UNSUPPORTED_MODE, e.reason());
        assertTrue(e.getMessage().contains("BOTH needs [FLOCK, LOCKFILE]"), e.getMessage());
    }

    @Test
    void bothIsOursNotAsterisks() {
        assertEquals(LockMode.BOTH, LockMode.parse("Both"));
        assertEquals(Optional.empty(), LockMode.fromAsteriskName("both"), "asterisk.conf cannot say 'both'");
        assertEquals(List.of(LockMode.FLOCK, LockMode.LOCKFILE), LockMode.BOTH.components());
    }
}
