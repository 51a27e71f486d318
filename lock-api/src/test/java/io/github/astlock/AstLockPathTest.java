package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.FileType;
import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The C-style facade: result codes, and never unlocking what it did not lock. */
class AstLockPathTest {
    private static final Path DIR = Path.of("/spool/INBOX");

    private FakeFileOps fs;
    private AstLockPath ast;

    @BeforeEach
    void setUp() {
        fs = new FakeFileOps();
        fs.mkdir(DIR);
        ast = new AstLockPath(PathLocker.create(LockOptions.builder().timeout(Duration.ofMillis(50)).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE))));
    }

    @Test
    void lockAndUnlockReturnAsterisksCodes() {
        assertEquals(AstLockResult.SUCCESS, ast.lockPath("/spool/INBOX"));
        assertTrue(fs.exists(DIR.resolve(".lock")));
        assertEquals(0, ast.unlockPath("/spool/INBOX/"), "another spelling of the same directory");
        assertFalse(fs.exists(DIR.resolve(".lock")));
        assertEquals(0, AstLockResult.SUCCESS.code());
    }

    @Test
    void timeoutPathNotFoundAndFailure() {
        fs.create(DIR.resolve(".lock"), FileType.REGULAR);
        assertEquals(AstLockResult.TIMEOUT, ast.lockPath("/spool/INBOX"));
        assertEquals(AstLockResult.PATH_NOT_FOUND, ast.lockPath("/spool/Missing"));
        assertEquals(AstLockResult.FAILURE, ast.lockPath("/spool/bad\0name"));
        fs.linkError = Errno.EPERM;
        fs.removeName(DIR.resolve(".lock"));
        assertEquals(AstLockResult.FAILURE, ast.lockPath("/spool/INBOX"), "not TIMEOUT as Asterisk would say");
        assertEquals(-1, AstLockResult.TIMEOUT.code());
        assertEquals(-2, AstLockResult.PATH_NOT_FOUND.code());
        assertEquals(-3, AstLockResult.FAILURE.code());
    }

    @Test
    void unlockWithoutLockNeverRemovesSomeoneElsesLock() {
        fs.create(DIR.resolve(".lock"), FileType.REGULAR);
        assertEquals(-1, ast.unlockPath("/spool/INBOX"));
        assertTrue(fs.exists(DIR.resolve(".lock")), "Asterisk would have unlinked it (KD-2); we must not");
    }

    @Test
    void doubleLockFailsAtOnce() {
        assertEquals(AstLockResult.SUCCESS, ast.lockPath("/spool/INBOX"));
        assertEquals(AstLockResult.FAILURE, ast.lockPath("/spool/INBOX"));
        assertEquals(0, ast.unlockPath("/spool/INBOX"));
        assertEquals(-1, ast.unlockPath("/spool/INBOX"));
    }
}
