package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import io.github.astlock.spi.FileType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Timeouts name the holder as {@code status} does, nothing is logged at WARN for outcomes the
 * caller receives, a released handle is not reported as lost, and text from owner records is
 * printed safely.
 */
class HolderMessagesTest {
    private static final Path DIR = Path.of("/spool/MSG");
    private static final Path LOCK = DIR.resolve(".lock");

    private FakeFileOps fs;
    private PrintStream savedErr;
    private ByteArrayOutputStream log;

    @BeforeEach
    void setUp() {
        fs = new FakeFileOps();
        fs.mkdir(DIR);
        savedErr = System.err;
        log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setErr(savedErr);
    }

    private String logged() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private PathLocker locker(LockMode mode, Duration timeout) {
        return PathLocker.create(LockOptions.builder().mode(mode).timeout(timeout).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE, LockMode.FLOCK)));
    }

    private static byte[] liveRecord(String host) {
        long me = ProcessHandle.current().pid();
        return new LockOwner(me, LockOwner.startTicks(me), host, "0b6c1234-jvm", "another-token",
                Instant.now()).toBytes();
    }

    @Test
    void aTimeoutNamesAnAstlockHolderAsStatusDoes() throws Exception {
        fs.write(LOCK, liveRecord(LockOwner.thisHost()));
        PathLocker locker = locker(LockMode.LOCKFILE, Duration.ofMillis(30));
        LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> locker.lock(DIR));
        String status = locker.status(DIR).lockfile().orElseThrow().describeHolder();
        String who = status.substring(0, status.lastIndexOf(", ", status.indexOf(" s old")));
        String msg = e.getMessage();
        assertTrue(msg.contains("pid " + ProcessHandle.current().pid() + " on " + LockOwner.thisHost()), msg);
        assertTrue(msg.contains("timed out after") && msg.contains(who), msg + " vs " + status);
        assertTrue(msg.contains("owner running"), msg);
        assertTrue(msg.contains(" s old"), msg);
    }

    @Test
    void aTimeoutOnAnAsteriskLockSaysSo() {
        fs.create(LOCK, FileType.REGULAR);
        LockTimeoutException e = assertThrows(LockTimeoutException.class,
                () -> locker(LockMode.LOCKFILE, Duration.ZERO).lock(DIR));
        assertTrue(e.getMessage().contains("Asterisk or another tool (no owner record)"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown owner"), e.getMessage());
    }

    @Test
    void aTimeoutAndAFailedTryLockLogNoWarning() throws Exception {
        fs.create(LOCK, FileType.REGULAR);
        PathLocker lockfile = locker(LockMode.LOCKFILE, Duration.ofMillis(20));
        assertThrows(LockTimeoutException.class, () -> lockfile.lock(DIR));
        assertEquals(Optional.empty(), lockfile.tryLock(DIR));
        Object foreign = fs.holdForeignFlock(DIR.resolve("lock"));
        PathLocker flock = locker(LockMode.FLOCK, Duration.ofMillis(20));
        LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> flock.lock(DIR));
        assertTrue(e.getMessage().contains("held by"), e.getMessage());
        assertEquals(Optional.empty(), flock.tryLock(DIR));
        fs.releaseForeignFlock(DIR.resolve("lock"));
        AstLockPath ast = new AstLockPath(lockfile);
        assertEquals(AstLockResult.TIMEOUT, ast.lockPath(DIR.toString()));
        assertEquals(-1, ast.unlockPath(DIR.toString()));
        assertFalse(logged().contains("WARN"), logged());
        assertTrue(foreign != null);
    }

    @Test
    void aReleasedHandleIsNotReportedAsLost() throws Exception {
        PathLock lock = locker(LockMode.LOCKFILE, Duration.ZERO).lock(DIR);
        lock.checkValid();
        lock.close();
        assertTrue(lock.isReleased());
        assertFalse(lock.isValid());
        IllegalStateException e = assertThrows(IllegalStateException.class, lock::checkValid);
        assertTrue(e.getMessage().contains("released") && e.getMessage().contains("not lost"), e.getMessage());
        assertFalse(logged().contains("WARN"), logged());
    }

    @Test
    void textFromOwnerRecordsCannotReachTheTerminal() throws Exception {
        long me = ProcessHandle.current().pid();
        String host = "pbx\u001b[2J\u001b]0;owned\u0007\r\u009b31m\u202eevil";
        fs.write(LOCK, new LockOwner(me, 1, host, "\u001b[31mjvm", "t", Instant.now()).toBytes());
        fs.write(DIR.resolve(".lock.astlock.1.\u001b[1m"), new byte[0]);
        PathLocker locker = locker(LockMode.LOCKFILE, Duration.ZERO);
        LockStatus status = locker.status(DIR);
        LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> locker.lock(DIR));
        LockOwner owner = status.lockfile().orElseThrow().owner().orElseThrow();
        assertEquals("pbx\\x1b[2J\\x1b]0;owned\\x07\\x0d\\x9b31m\\u202eevil", owner.host(),
                "text fields are made printable when read, for every caller");
        for (String shown : new String[] {status.describe(), e.getMessage(), owner.describe(), owner.toString()}) {
            assertTrue(shown.chars().noneMatch(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f || c == 0x202e),
                    shown);
            assertTrue(shown.contains("\\x1b"), shown);
        }
        assertTrue(status.describe().contains("pbx\\x1b[2J\\x1b]0;owned\\x07\\x0d\\x9b31m\\u202eevil"), status.describe());
    }

    @Test
    void aSymbolicLinkNamedLockIsReportedAsNotARegularFile() throws Exception {
        fs.create(LOCK, FileType.SYMLINK);
        PathLocker locker = locker(LockMode.LOCKFILE, Duration.ZERO);
        assertEquals(Optional.empty(), locker.breakStaleLock(DIR, StalePolicy.olderThan(Duration.ofSeconds(1)), true));
        LockHolder h = locker.status(DIR).lockfile().orElseThrow();
        assertFalse(h.isRegularFile());
        assertEquals(Optional.of("it is a symbolic link, not a regular file"), h.notRegularFileReason());
        assertTrue(h.describe().contains("not a regular file"), h.describe());
        LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> locker.lock(DIR));
        assertTrue(e.getMessage().contains("symbolic link, not a regular file"), e.getMessage());
        fs.removeName(LOCK);
        fs.create(LOCK, FileType.REGULAR);
        assertEquals(Optional.empty(), locker.status(DIR).lockfile().orElseThrow().notRegularFileReason());
    }
}
