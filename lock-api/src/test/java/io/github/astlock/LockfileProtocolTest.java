package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.internal.LockfileProtocol;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.FileType;
import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LOCKFILE protocol against the fault-injecting fake backend. */
class LockfileProtocolTest {
    private static final Path DIR = Path.of("/spool/vm/default/1234/INBOX");
    private static final Path LOCK = DIR.resolve(".lock");

    private FakeFileOps fs;
    private PathLocker locker;

    @BeforeEach
    void setUp() {
        fs = new FakeFileOps();
        fs.mkdir(DIR.getParent());
        fs.mkdir(DIR);
        locker = locker(Duration.ofMillis(300));
    }

    private PathLocker locker(Duration timeout) {
        return PathLocker.create(LockOptions.builder().timeout(timeout).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE, LockMode.FLOCK)));
    }

    @Test
    void lockCreatesDotLockAndRemovesTheTemporaryFile() throws Exception {
        try (PathLock lock = locker.lock(DIR)) {
            assertEquals(List.of(".lock"), fs.list(DIR));
            assertEquals(LOCK, lock.lockFile());
            assertEquals(LockMode.LOCKFILE, lock.mode());
            assertTrue(lock.isValid());
        }
        assertEquals(List.of(), fs.list(DIR));
    }

    @Test
    void linkThatReportsEexistAlthoughItLinkedCountsAsSuccess() throws Exception {
        fs.linkLiesWithEexist = true;
        try (PathLock lock = locker.lock(DIR)) {
            assertEquals(1, fs.linkCalls.get(), "recognised by nlink == 2, no second attempt");
            assertEquals(List.of(".lock"), fs.list(DIR), "temporary file removed");
            assertTrue(lock.isValid());
        }
        assertFalse(fs.exists(LOCK));
    }

    @Test
    void lockReplacedWhileHeldIsReportedAndTheStrangersLockIsKept() throws Exception {
        PathLock lock = locker.lock(DIR);
        fs.replace(LOCK); // Asterisk's blind unlock, then another locker
        assertFalse(lock.isValid());
        LockLostException e = assertThrows(LockLostException.class, lock::close);
        assertTrue(e.getMessage().contains("not ours"), e.getMessage());
        assertTrue(fs.exists(LOCK), "the stranger's .lock must survive our release");
        assertTrue(lock.isReleased());
        lock.close(); // idempotent, no second report
    }

    @Test
    void lockRecreatedWithOurOldInodeNumberIsStillNotOurs() throws Exception {
        PathLock lock = locker.lock(DIR);
        fs.replaceReusingInode(LOCK); // blind unlock, then a stranger's file gets the freed inode number
        assertFalse(lock.isValid());
        LockLostException e = assertThrows(LockLostException.class, lock::close);
        assertTrue(e.getMessage().contains("owner record"), e.getMessage());
        assertTrue(fs.exists(LOCK), "the stranger's .lock must survive");
    }

    @Test
    void strangersLockThatLooksLikeOursFromItsStatusIsPutBackAtRelease() throws Exception {
        PathLock lock = locker.lock(DIR);
        byte[] strangers = "astlock-owner 1\npid=1\nstart=1\nhost=x\njvm=y\ntoken=not-ours\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        fs.replaceLookingAlike(LOCK, strangers); // same inode number, size and time; only the record differs
        LockLostException e = assertThrows(LockLostException.class, lock::close);
        assertTrue(e.getMessage().contains("owner record"), e.getMessage());
        assertTrue(fs.exists(LOCK), "the stranger's .lock must be back in place");
        assertEquals(List.of(".lock"), fs.list(DIR), "nothing else left behind");
        assertEquals(new String(strangers, java.nio.charset.StandardCharsets.UTF_8),
                new String(fs.read(LOCK, 4096), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void ownerRecordOfThisJvmHasTheDocumentedLayout() {
        LockOwner own = LockOwner.forThisProcess();
        io.github.astlock.internal.ProcessScope scope = io.github.astlock.internal.ProcessScope.current();
        String expected = "astlock-owner 1\npid=" + own.pid() + "\nstart=" + own.start() + "\nhost=" + own.host()
                + "\njvm=" + own.jvm() + "\ntoken=" + own.token() + "\nacquired=" + own.acquired() + "\nboot="
                + scope.boot() + "\npidns=" + scope.pidNamespace() + "\ntimens=" + scope.timeNamespace() + "\n";
        assertEquals(expected, new String(own.toBytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(Optional.of(own), LockOwner.parse(own.toBytes()));
        LockOwner other = new LockOwner(own.pid() + 1, 7, "elsewhere", "jvm", "t", own.acquired(), "", "", "");
        assertEquals(Optional.of(other), LockOwner.parse(other.toBytes()));
    }

    @Test
    void dotLockCarriesAnOwnerRecordFromTheStart() throws Exception {
        try (PathLock lock = locker.lock(DIR)) {
            String content = new String(fs.read(LOCK, 4096), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(content.startsWith("astlock-owner 1\npid=" + ProcessHandle.current().pid() + "\n"), content);
            assertTrue(content.contains("\ntoken="), content);
        }
    }

    @Test
    void lockRemovedWhileHeldIsReported() throws Exception {
        PathLock lock = locker.lock(DIR);
        fs.removeName(LOCK);
        LockLostException e = assertThrows(LockLostException.class, lock::checkValid);
        assertTrue(e.getMessage().contains("removed"), e.getMessage());
        assertThrows(LockLostException.class, lock::close);
    }

    @Test
    void timeoutIsHonoured() {
        fs.create(LOCK, FileType.REGULAR);
        long t0 = System.nanoTime();
        LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> locker.lock(DIR));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // not before the configured 300 ms; the upper bound only guards against a hang
        assertTrue(ms >= 300, "gave up after " + ms + " ms, before the 300 ms timeout");
        assertTrue(ms < 10_000, "hang guard: waited " + ms + " ms for a 300 ms timeout");
        assertEquals(List.of(".lock"), fs.list(DIR), "no temporary file left");
        assertTrue(e.getMessage().contains(DIR.toString()) && e.getMessage().contains("LOCKFILE"), e.getMessage());
    }

    @Test
    void waitingSleepsInsteadOfSpinning() {
        fs.create(LOCK, FileType.REGULAR);
        assertThrows(LockTimeoutException.class, () -> locker.lock(DIR));
        // 300 ms with 1 ms doubling to 20 ms is about 20 attempts; a spin would make thousands.
        assertTrue(fs.linkCalls.get() < 40, "link attempts: " + fs.linkCalls.get());
    }

    @Test
    void zeroTimeoutMeansExactlyOneTry() throws Exception {
        fs.create(LOCK, FileType.REGULAR);
        assertThrows(LockTimeoutException.class, () -> locker.lock(DIR, Duration.ZERO));
        assertEquals(1, fs.linkCalls.get());
        assertTrue(locker.tryLock(DIR).isEmpty());
        assertEquals(2, fs.linkCalls.get());
    }

    @Test
    void nonEexistLinkErrorIsReportedAsItselfAtOnce() {
        fs.linkError = Errno.EPERM;
        // a 60 s timeout: waiting for it instead of failing at once could not pass the bound below
        PathLocker patient = locker(Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        LockFailedException e = assertThrows(LockFailedException.class, () -> patient.lock(DIR));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 30_000, "no waiting on a non-EEXIST error: failed after " + ms + " ms");
        assertEquals(1, fs.linkCalls.get(), "one attempt, no retry");
        assertEquals(LockFailedException.Reason.UNSUPPORTED_FILE_SYSTEM, e.reason());
        assertEquals("EPERM", e.errno().orElseThrow().name());
        assertTrue(e.getMessage().contains("EPERM"), e.getMessage());
        assertEquals(List.of(), fs.list(DIR), "temporary file removed");
    }

    @Test
    void temporaryFileThatCannotBeCreatedIsAPathErrorWithErrno() {
        fs.createError = Errno.EACCES;
        LockPathException e = assertThrows(LockPathException.class, () -> locker.lock(DIR));
        assertEquals(Errno.EACCES, e.errno().orElseThrow());
        assertEquals(DIR, e.directory());
        assertEquals(LOCK, e.lockFile());
        assertTrue(e.getMessage().contains("EACCES") && e.getMessage().contains(DIR.toString()), e.getMessage());
    }

    @Test
    void missingDirectoryIsPathNotFound() {
        Path missing = DIR.resolveSibling("Nope");
        LockPathException e = assertThrows(LockPathException.class, () -> locker.lock(missing));
        assertEquals("ENOENT", e.errno().orElseThrow().name());
        assertFalse(fs.exists(missing));
    }

    @Test
    void regularFileInsteadOfDirectoryIsPathNotFoundWithEnotdir() {
        Path file = DIR.resolve("msg0000.txt");
        fs.create(file, FileType.REGULAR);
        LockPathException e = assertThrows(LockPathException.class, () -> locker.lock(file));
        assertEquals("ENOTDIR", e.errno().orElseThrow().name());
    }

    @Test
    void interruptWhileWaitingLeavesNoTemporaryFile() throws Exception {
        fs.create(LOCK, FileType.REGULAR);
        PathLocker slow = locker(Duration.ofSeconds(10));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                slow.lock(DIR);
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        started.await();
        Thread.sleep(100);
        t.interrupt();
        t.join(2000);
        assertFalse(t.isAlive());
        assertInstanceOf(LockInterruptedException.class, thrown.get());
        assertTrue(flag.get(), "interrupt status restored");
        assertEquals(List.of(".lock"), fs.list(DIR));
    }

    @Test
    void lockInterruptiblyThrowsInterruptedException() {
        fs.create(LOCK, FileType.REGULAR);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> locker.lockInterruptibly(DIR));
        assertFalse(Thread.currentThread().isInterrupted());
        assertEquals(List.of(".lock"), fs.list(DIR));
    }

    @Test
    void temporaryNamesNeverMatchAsterisksNamespace() {
        for (int i = 0; i < 2000; i++) {
            String name = LockfileProtocol.newTempName();
            assertFalse(LockfileProtocol.ASTERISK_TEMP.matcher(name).matches(), name);
            assertFalse(name.startsWith("msg") || name.endsWith(".txt"), name);
            assertTrue(name.length() < 64, name);
        }
    }

    @Test
    void negativeTimeoutIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> locker.lock(DIR, Duration.ofMillis(-1)));
        assertTrue(e.getMessage().startsWith("timeout"), e.getMessage());
    }
}
