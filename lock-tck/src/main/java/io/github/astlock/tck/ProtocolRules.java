package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockException;
import io.github.astlock.LockFailedException;
import io.github.astlock.LockFailedException.Reason;
import io.github.astlock.LockInterruptedException;
import io.github.astlock.LockLostException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Rules MODE01, LF01-LF07, FL01-FL06 and API01-API05: the protocols in lock-api, run on the
 * backend under test against the real file system, as far as one process can observe them.
 */
public abstract class ProtocolRules extends SpiContractRules {
    private static final Pattern ASTERISK_TEMP = Pattern.compile("\\.lock-[0-9a-f]{8}");

    /** For subclasses. */
    protected ProtocolRules() {
    }

    private void assertTimesOut(PathLocker locker, Path directory) {
        Duration timeout = locker.options().timeout();
        long t0 = System.nanoTime();
        LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> locker.lock(directory),
                "an existing lock must make the attempt wait and time out, not succeed or fail otherwise");
        long ms = millisSince(t0);
        assertTrue(ms >= timeout.toMillis() && ms <= timeout.plus(TckEnvironment.timeoutSlack()).toMillis(),
                "timed out after " + ms + " ms; expected " + timeout.toMillis() + " ms + at most "
                        + TckEnvironment.timeoutSlack().toMillis() + " ms");
        assertDescribes(e, directory, locker.options().mode(), null);
    }

    // ---------------------------------------------------------------- MODE

    /**
     * MODE01: LOCKFILE is declared, and each undeclared mode is refused at once, clearly, leaving nothing.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void MODE01_undeclaredModesAreRefusedClearly() throws Exception {
        assertTrue(declares(LockMode.LOCKFILE), "LOCKFILE is Asterisk's default and must be supported");
        for (LockMode mode : LockMode.values()) {
            if (declares(mode)) {
                try (PathLock lock = locker(mode, Duration.ZERO).lock(dir)) {
                    assertEquals(mode, lock.mode(), "a declared mode must lock");
                }
                continue;
            }
            long t0 = System.nanoTime();
            LockFailedException e = assertThrows(LockFailedException.class, () -> locker(mode, Duration.ofSeconds(5)).lock(dir));
            assertTrue(millisSince(t0) < 1000, "refused at once, not after waiting");
            assertEquals(Reason.UNSUPPORTED_MODE, e.reason());
            assertDescribes(e, dir, mode, null);
            LockMode missing = mode.components().stream().filter(c -> !declares(c)).findFirst().orElse(mode);
            String reason = backend().unsupportedModeReason(missing);
            assertTrue(reason.length() > 20 && e.getMessage().contains(reason),
                    "the refusal must explain why and what to use instead: " + e.getMessage());
            assertEquals(List.of(), names(dir), "nothing may be left on disk");
        }
    }

    // ---------------------------------------------------------------- LOCKFILE

    /**
     * LF01: while held, {@code .lock} is an empty regular file with one link and nothing else is there; after release, nothing.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF01_onDiskWhileHeldAndAfter() throws Exception {
        try (PathLock lock = locker(LockMode.LOCKFILE, Duration.ZERO).lock(dir)) {
            assertEquals(List.of(".lock"), names(dir));
            FileStat st = backend().fileOps().lstat(dir.resolve(".lock")).orElseThrow(() -> new AssertionError("lstat(" + dir.resolve(".lock") + ") is empty: no such file"));
            assertEquals(FileType.REGULAR, st.type());
            assertEquals(1, st.nlink(), "the temporary name must be gone");
            assertEquals(dir.resolve(".lock"), lock.lockFile());
            assertTrue(lock.isValid());
        }
        assertEquals(List.of(), names(dir));
    }

    /**
     * LF02: temporary files never use Asterisk's {@code .lock-XXXXXXXX} names, nor message-like names.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF02_temporaryNamesStayOutOfAsterisksNamespace() throws Exception {
        RecordingBackend rec = new RecordingBackend(backend());
        PathLocker locker = PathLocker.create(LockOptions.builder().timeout(Duration.ZERO).build(), rec);
        for (int i = 0; i < 50; i++) {
            locker.lock(dir).close();
        }
        assertEquals(50, rec.created.size());
        for (Path p : rec.created) {
            String n = p.getFileName().toString();
            assertEquals(dir, p.getParent(), "temporary file in the locked directory");
            assertFalse(ASTERISK_TEMP.matcher(n).matches(), "collides with Asterisk's temp names: " + n);
            assertFalse(n.startsWith("msg") || n.endsWith(".txt"), "looks like a voicemail message: " + n);
        }
        assertEquals(50, rec.created.stream().distinct().count(), "every temporary name is new");
    }

    private void assertExistingEntryBlocks(Path entry) throws Exception {
        FileStat before = backend().fileOps().lstat(entry).orElseThrow(() -> new AssertionError("lstat(" + entry + ") is empty: no such file"));
        List<String> namesBefore = names(dir);
        assertTimesOut(locker(LockMode.LOCKFILE, TckEnvironment.timeout()), dir);
        assertTrue(before.sameInode(backend().fileOps().lstat(entry).orElseThrow(() -> new AssertionError("lstat(" + entry + ") is empty: no such file"))), "the existing entry is untouched");
        assertEquals(namesBefore, names(dir), "no temporary file left behind");
    }

    /**
     * LF03: an existing regular {@code .lock} makes us time out and stay away from it.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF03_existingRegularFileBlocks() throws Exception {
        assertExistingEntryBlocks(Files.createFile(dir.resolve(".lock")));
    }

    /**
     * LF03: a directory named {@code .lock} blocks like a lock (EEXIST), as in Asterisk.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF03_existingDirectoryBlocks() throws Exception {
        assertExistingEntryBlocks(Files.createDirectory(dir.resolve(".lock")));
    }

    /**
     * LF03: a symbolic link named {@code .lock} blocks and is not followed.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF03_existingSymlinkBlocks() throws Exception {
        Path target = Files.createFile(dir.resolve("target"));
        assertExistingEntryBlocks(Files.createSymbolicLink(dir.resolve(".lock"), target));
    }

    /**
     * LF03: a dangling symbolic link named {@code .lock} blocks; its target is never created.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF03_existingDanglingSymlinkBlocks() throws Exception {
        assertExistingEntryBlocks(Files.createSymbolicLink(dir.resolve(".lock"), dir.resolve("nowhere")));
        assertFalse(Files.exists(dir.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * LF04: a {@code .lock} replaced while held is reported as lost, and the stranger's file is left in place.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF04_releaseNeverRemovesAStrangersLock() throws Exception {
        PathLock lock = locker(LockMode.LOCKFILE, Duration.ZERO).lock(dir);
        Files.delete(dir.resolve(".lock"));
        Files.writeString(dir.resolve(".lock"), "stranger");
        LockLostException e = assertThrows(LockLostException.class, lock::close);
        assertDescribes(e, dir, LockMode.LOCKFILE, null);
        assertEquals("stranger", Files.readString(dir.resolve(".lock")));
        assertTrue(lock.isReleased());
        lock.close();
    }

    /**
     * LF05: validity is re-checked on disk: removal of {@code .lock} is seen by isValid and checkValid.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF05_lossIsDetectedWhileHeld() throws Exception {
        try (PathLock lock = locker(LockMode.LOCKFILE, Duration.ZERO).lock(dir)) {
            lock.checkValid();
            Files.delete(dir.resolve(".lock"));
            assertFalse(lock.isValid());
            assertThrows(LockLostException.class, lock::checkValid);
        } catch (LockLostException expectedOnClose) {
            assertTrue(expectedOnClose.getMessage().contains("removed"), expectedOnClose.getMessage());
        }
        assertEquals(List.of(), names(dir));
    }

    /**
     * LF06: a zero timeout makes exactly one link attempt.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF06_zeroTimeoutIsExactlyOneTry() throws Exception {
        Files.createFile(dir.resolve(".lock"));
        RecordingBackend rec = new RecordingBackend(backend());
        PathLocker locker = PathLocker.create(LockOptions.builder().timeout(Duration.ZERO).build(), rec);
        assertThrows(LockTimeoutException.class, () -> locker.lock(dir));
        assertEquals(1, rec.links.get(), "link attempts");
        assertTrue(locker.tryLock(dir).isEmpty());
        assertEquals(2, rec.links.get(), "link attempts");
        assertEquals(List.of(".lock"), names(dir));
    }

    /**
     * LF07: waiting sleeps between attempts instead of spinning.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void LF07_waitingDoesNotSpin() throws Exception {
        Files.createFile(dir.resolve(".lock"));
        RecordingBackend rec = new RecordingBackend(backend());
        PathLocker locker = PathLocker.create(LockOptions.builder().timeout(Duration.ofMillis(500)).build(), rec);
        assertThrows(LockTimeoutException.class, () -> locker.lock(dir));
        assertTrue(rec.links.get() < 100, "link attempts in 500 ms: " + rec.links.get() + " (a spin makes thousands)");
    }

    // ---------------------------------------------------------------- FLOCK

    /**
     * FL01: while held, {@code lock} is a regular file; release keeps it (no unlink) and frees it.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void FL01_onDiskWhileHeldAndAfter() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        try (PathLock lock = locker(LockMode.FLOCK, Duration.ZERO).lock(dir)) {
            assertEquals(List.of("lock"), names(dir));
            assertEquals(FileType.REGULAR, backend().fileOps().lstat(dir.resolve("lock")).orElseThrow(() -> new AssertionError("lstat(" + dir.resolve("lock") + ") is empty: no such file")).type());
            assertEquals(dir.resolve("lock"), lock.lockFile());
            assertTrue(lock.isValid());
        }
        assertEquals(List.of("lock"), names(dir), "release must not unlink 'lock' (unlinking breaks Asterisk's exclusion)");
        try (FlockFile f = backend().fileOps().openForFlock(dir.resolve("lock"), 0600)) {
            assertTrue(f.tryLockExclusive(), "released");
        }
    }

    private void assertFlockRefuses(Path entry, Reason reason) throws Exception {
        assumeDeclared(LockMode.FLOCK);
        List<String> before = names(dir);
        int fds = openDescriptors();
        long t0 = System.nanoTime();
        LockFailedException e = assertThrows(LockFailedException.class,
                () -> locker(LockMode.FLOCK, Duration.ofSeconds(5)).lock(dir));
        assertTrue(millisSince(t0) < 2000, "refused at once, took " + millisSince(t0) + " ms");
        assertEquals(reason, e.reason(), e.getMessage());
        assertDescribes(e, dir, LockMode.FLOCK, null);
        assertEquals(before, names(dir), "nothing created or removed");
        assertTrue(Files.exists(entry, LinkOption.NOFOLLOW_LINKS), "the entry is untouched");
        assertNoDescriptorLeak(fds, "the refused FLOCK lock of " + dir + " (lock file " + entry + ", " + reason + ")");
    }

    /**
     * FL02: a symbolic link named {@code lock} is refused and not followed.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void FL02_symlinkIsRefused() throws Exception {
        Path target = dir.resolve("target");
        assertFlockRefuses(Files.createSymbolicLink(dir.resolve("lock"), target), Reason.SYMLINK);
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "the link was followed");
    }

    /**
     * FL02: a {@code lock} with a second hard link is refused.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void FL02_hardLinkedFileIsRefused() throws Exception {
        Path lock = Files.createFile(dir.resolve("lock"));
        Files.createLink(dir.resolve("other-name"), lock);
        assertFlockRefuses(lock, Reason.HARD_LINKS);
    }

    /**
     * FL02: a FIFO named {@code lock} is refused without hanging.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void FL02_fifoIsRefusedWithoutHanging() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path fifo = dir.resolve("lock");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertFlockRefuses(fifo, Reason.NOT_REGULAR_FILE));
        } finally {
            new ProcessBuilder("sh", "-c", "exec 3<>'" + fifo + "'").start().waitFor();
        }
    }

    /**
     * FL02: a directory named {@code lock} is refused.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void FL02_directoryIsRefused() throws Exception {
        assertFlockRefuses(Files.createDirectory(dir.resolve("lock")), Reason.NOT_REGULAR_FILE);
    }

    /**
     * FL03: a {@code lock} replaced while held is reported as lost; the descriptor is closed anyway.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void FL03_replacedWhileHeldIsReported() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        int fds = openDescriptors();
        PathLock lock = locker(LockMode.FLOCK, Duration.ZERO).lock(dir);
        Files.delete(dir.resolve("lock"));
        Files.createFile(dir.resolve("lock"));
        assertFalse(lock.isValid());
        LockLostException e = assertThrows(LockLostException.class, lock::close);
        assertDescribes(e, dir, LockMode.FLOCK, null);
        assertNoDescriptorLeak(fds, "the release of a FLOCK lock on " + dir + " whose file was replaced while held");
    }

    /**
     * FL04: a zero timeout makes exactly one flock attempt.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void FL04_zeroTimeoutIsExactlyOneTry() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        try (FlockFile other = backend().fileOps().openForFlock(dir.resolve("lock"), 0600)) {
            assertTrue(other.tryLockExclusive());
            RecordingBackend rec = new RecordingBackend(backend());
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK)
                    .timeout(Duration.ZERO).build(), rec);
            assertThrows(LockTimeoutException.class, () -> locker.lock(dir));
            assertEquals(1, rec.flocks.get(), "flock attempts");
        }
    }

    /**
     * FL05: when the holder unlinks {@code lock} on release (as Asterisk does) and a third party
     * creates and locks a new {@code lock} before the waiter gets the old inode, the waiter must
     * notice that it locked an orphan and wait for the new file: never two holders.
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void FL05_waiterNeverKeepsAnOrphan() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path lock = dir.resolve("lock");
        FlockFile first = backend().fileOps().openForFlock(lock, 0600);
        assertTrue(first.tryLockExclusive());
        CompletableFuture<PathLock> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return locker(LockMode.FLOCK, Duration.ofSeconds(10)).lock(dir);
            } catch (LockException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300); // the waiter has opened the first inode and waits for it
        // Asterisk's unlock unlinks 'lock' and a third party makes a new one. A waiter woken by
        // the unlink could create the new file itself in between, so the kit puts the third
        // party's locked file in place in one step: the name never disappears, and only the
        // identity check after flock can tell the waiter that its inode is an orphan.
        Path next = dir.resolve("lock.next");
        FlockFile third = backend().fileOps().openForFlock(next, 0600);
        assertTrue(third.tryLockExclusive());
        Files.move(next, lock, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        first.close(); // ... then the first holder's close frees the orphaned inode
        try {
            Thread.sleep(300);
            assertFalse(waiter.isDone(), "the waiter got the lock while another holder had the file named 'lock': "
                    + "it kept the orphaned inode (the identity check after flock did not work)");
        } finally {
            third.close();
        }
        try (PathLock held = waiter.get(10, TimeUnit.SECONDS)) {
            assertTrue(held.isValid(), "the waiter must hold the inode now named 'lock'");
            FileStat named = backend().fileOps().lstat(lock).orElseThrow(() -> new AssertionError("lstat(" + lock + ") is empty: no such file"));
            try (FlockFile probe = backend().fileOps().openForFlock(lock, 0600)) {
                assertTrue(named.sameInode(probe.fstat()));
                assertFalse(probe.tryLockExclusive(), "the file named 'lock' must be the one locked");
            }
        }
    }

    /**
     * FL06: a FLOCK lock and a LOCKFILE lock use different files and never exclude each other (as in Asterisk).
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void FL06_modesUseDifferentFiles() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        FlockFile holder = backend().fileOps().openForFlock(dir.resolve("lock"), 0600);
        try {
            assertTrue(holder.tryLockExclusive());
            try (PathLock lf = locker(LockMode.LOCKFILE, Duration.ZERO).lock(dir)) {
                assertEquals(List.of(".lock", "lock"), names(dir));
            }
        } finally {
            holder.close();
        }
    }

    // ---------------------------------------------------------------- BOTH

    /**
     * BOTH01: while held, {@code lock} is flock-held and {@code .lock} exists; release removes {@code .lock} only.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void BOTH01_onDiskWhileHeldAndAfter() throws Exception {
        assumeDeclared(LockMode.BOTH);
        try (PathLock lock = locker(LockMode.BOTH, Duration.ZERO).lock(dir)) {
            assertEquals(List.of(".lock", "lock"), names(dir));
            assertEquals(LockMode.BOTH, lock.mode());
            try (FlockFile probe = backend().fileOps().openForFlock(dir.resolve("lock"), 0600)) {
                assertFalse(probe.tryLockExclusive(), "'lock' must be flock-held");
            }
            assertTrue(lock.isValid());
        }
        assertEquals(List.of("lock"), names(dir));
        try (FlockFile probe = backend().fileOps().openForFlock(dir.resolve("lock"), 0600)) {
            assertTrue(probe.tryLockExclusive(), "'lock' must be free after release");
        }
    }

    /**
     * BOTH03: when {@code .lock} cannot be had, the flock already taken is released again.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void BOTH03_partialAcquisitionIsUndone() throws Exception {
        assumeDeclared(LockMode.BOTH);
        Files.createFile(dir.resolve(".lock"));
        int fds = openDescriptors();
        assertThrows(LockTimeoutException.class, () -> locker(LockMode.BOTH, Duration.ofMillis(200)).lock(dir));
        try (FlockFile probe = backend().fileOps().openForFlock(dir.resolve("lock"), 0600)) {
            assertTrue(probe.tryLockExclusive(), "the flock taken first must have been released");
        }
        assertNoDescriptorLeak(fds, "a BOTH lock of " + dir + " that timed out on its second lock");
        assertEquals(List.of(".lock", "lock"), names(dir));
    }

    // ---------------------------------------------------------------- API / handle

    /**
     * API01: close is idempotent, and isReleased tells.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void API01_releaseTwiceIsHarmless() throws Exception {
        for (LockMode mode : declaredModes()) {
            PathLock lock = locker(mode, Duration.ZERO).lock(dir);
            assertFalse(lock.isReleased());
            lock.close();
            assertTrue(lock.isReleased());
            lock.close();
            assertFalse(lock.isValid());
            try (PathLock again = locker(mode, Duration.ZERO).lock(dir)) {
                assertTrue(again.isValid(), "free after the first close");
            }
        }
    }

    /**
     * API02: a lock may be released from another thread, and the directory is then free.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void API02_releaseFromAnotherThread() throws Exception {
        for (LockMode mode : declaredModes()) {
            PathLock lock = locker(mode, Duration.ZERO).lock(dir);
            CompletableFuture.runAsync(() -> {
                try {
                    lock.close();
                } catch (LockException e) {
                    throw new RuntimeException(e);
                }
            }).get(10, TimeUnit.SECONDS);
            assertTrue(lock.isReleased());
            try (PathLock again = locker(mode, Duration.ZERO).lock(dir)) {
                assertTrue(again.isValid());
            }
        }
    }

    /**
     * API03: a thread that locks a directory it holds fails at once instead of deadlocking.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void API03_relockByTheSameThreadFailsAtOnce() throws Exception {
        for (LockMode mode : declaredModes()) {
            try (PathLock lock = locker(mode, Duration.ofSeconds(5)).lock(dir)) {
                long t0 = System.nanoTime();
                LockFailedException e = assertThrows(LockFailedException.class,
                        () -> locker(mode, Duration.ofSeconds(5)).lock(dir.resolve(".")));
                assertTrue(millisSince(t0) < 1000);
                assertEquals(Reason.ALREADY_HELD, e.reason());
                assertTrue(lock.isValid(), "the held lock is unaffected");
            }
        }
    }

    /**
     * API04: an interrupt ends the wait with a typed error, keeps the interrupt status and leaves nothing behind.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void API04_interruptDuringTheWait() throws Exception {
        Files.createFile(dir.resolve(".lock"));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                locker(LockMode.LOCKFILE, Duration.ofSeconds(20)).lock(dir);
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        int fds = openDescriptors();
        t.start();
        started.await();
        Thread.sleep(200);
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(5000);
        assertFalse(t.isAlive(), "the wait must end on interrupt");
        assertTrue(millisSince(t0) < 1000, "ended " + millisSince(t0) + " ms after the interrupt");
        LockInterruptedException e = assertInstanceOf(LockInterruptedException.class, thrown.get());
        assertDescribes(e, dir, LockMode.LOCKFILE, null);
        assertTrue(flag.get(), "interrupt status restored");
        assertEquals(List.of(".lock"), names(dir), "no temporary file left");
        assertNoDescriptorLeak(fds, "a LOCKFILE wait on " + dir + " ended by an interrupt");
    }

    /** API05: a negative timeout is rejected naming the field. */
    @Test
    public final void API05_negativeTimeoutIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> locker(LockMode.LOCKFILE, Duration.ZERO).lock(dir, Duration.ofMillis(-1)));
        assertTrue(e.getMessage().startsWith("timeout"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LockOptions.builder().timeout(Duration.ofSeconds(-1)));
        assertEquals(List.of(), names(dir));
    }
}
