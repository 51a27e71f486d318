package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LeftoverFile;
import io.github.astlock.LockException;
import io.github.astlock.LockHolder;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockOwner;
import io.github.astlock.LockStatus;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.StalePolicy;
import io.github.astlock.spi.FileStat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rules CR01-CR08, ST01-ST03 and SD01: crashes, stale locks, status and release at exit, with
 * holders in other processes that are killed for real.
 */
public abstract class CrashRules extends CrossProcessRules {
    private static final Duration START = Duration.ofSeconds(30);

    /** For subclasses. */
    protected CrashRules() {
    }

    private PathLocker locker(LockMode mode, Duration timeout, StalePolicy policy) {
        return PathLocker.create(LockOptions.builder().mode(mode).timeout(timeout).stalePolicy(policy).build(), backend());
    }

    private PeerProcess holdInChild(LockMode mode) throws Exception {
        PeerProcess child = ChildJvm.start(getClass(), "hold", mode, dir, "5000");
        child.awaitLine("LOCK SUCCESS", START);
        return child;
    }

    /** A pid that certainly does not run now: a process that has exited. */
    private static long exitedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private void writeLock(LockOwner owner) throws Exception {
        Files.write(dir.resolve(".lock"), owner.toBytes());
    }

    private static FileStat lstat(TckSupport kit, Path p) throws Exception {
        return kit.backend().fileOps().lstat(p).orElseThrow(() -> new AssertionError("lstat(" + p + ") is empty: no such file"));
    }

    /**
     * CR01: when a FLOCK holder is killed with SIGKILL, the next locker holds within the hand-over limit of its death.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void CR01_killedFlockHolderIsReplacedAtOnce() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        try (PeerProcess child = holdInChild(LockMode.FLOCK)) {
            CompletableFuture<Long> acquired = CompletableFuture.supplyAsync(() -> {
                try (PathLock lock = locker(LockMode.FLOCK, Duration.ofSeconds(20)).lock(dir)) {
                    return System.nanoTime();
                } catch (LockException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(acquired.isDone(), "got the lock while the child held it");
            child.process().destroyForcibly();
            child.process().waitFor();
            long died = System.nanoTime();
            long ms = (acquired.get(20, TimeUnit.SECONDS) - died) / 1_000_000;
            long limit = Math.max(50, TckEnvironment.handover().toMillis());
            assertTrue(ms <= limit, "CR01: the waiter got the lock " + ms + " ms after the FLOCK holder was killed (limit "
                    + limit + " ms, property " + TckEnvironment.HANDOVER_MS + "): the kernel frees the lock at once, "
                    + "so the waiter should notice within its next pause");
        }
        assertEquals(List.of("lock"), names(dir), "only the harmless 'lock' file remains");
    }

    /**
     * CR02: a LOCKFILE holder killed with SIGKILL leaves {@code .lock}; without a policy the next locker times out and status names the dead owner.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void CR02_killedLockfileHolderIsReportedDead() throws Exception {
        long pid;
        try (PeerProcess child = holdInChild(LockMode.LOCKFILE)) {
            pid = child.process().pid();
            child.process().destroyForcibly();
            child.process().waitFor();
        }
        assertThrows(LockTimeoutException.class, () -> locker(LockMode.LOCKFILE, TckEnvironment.timeout()).lock(dir));
        LockStatus status = locker(LockMode.LOCKFILE, Duration.ZERO).status(dir);
        assertTrue(status.isHeld());
        LockHolder h = status.lockfile().orElseThrow(() -> new AssertionError("status of " + dir + " shows no LOCKFILE holder: " + status.describe()));
        assertEquals(pid, h.owner().orElseThrow(() -> new AssertionError("the holder of " + dir + "/.lock has no owner record: " + status.describe())).pid(), status.describe());
        assertEquals(LockOwner.Liveness.DEAD, h.liveness(), status.describe());
        assertTrue(status.describe().contains("pid " + pid) && status.describe().contains("GONE"), status.describe());
    }

    /**
     * CR03: with the dead-owner policy, the next locker breaks the dead holder's {@code .lock} and holds.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void CR03_deadOwnerPolicyRecovers() throws Exception {
        try (PeerProcess child = holdInChild(LockMode.LOCKFILE)) {
            child.process().destroyForcibly();
            child.process().waitFor();
        }
        try (PathLock lock = locker(LockMode.LOCKFILE, TckEnvironment.timeout(), StalePolicy.deadOwner()).lock(dir)) {
            assertTrue(lock.isValid());
            LockOwner owner = locker(LockMode.LOCKFILE, Duration.ZERO).status(dir).lockfile().flatMap(LockHolder::owner)
                    .orElseThrow(() -> new AssertionError("status of " + dir + " shows no owner record of .lock"));
            assertEquals(ProcessHandle.current().pid(), owner.pid(), "the new .lock is ours");
        }
        assertEquals(List.of(), names(dir), "the stale lock was removed, not left aside");
    }

    /**
     * CR04: a pid now used by another process (different start time) is not the owner; a running owner is never broken.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void CR04_reusedPidIsNotMistakenForTheOwner() throws Exception {
        long me = ProcessHandle.current().pid();
        long myStart = LockOwner.startTicks(me);
        PathLocker breaker = locker(LockMode.LOCKFILE, Duration.ofMillis(300), StalePolicy.deadOwner().orOlderThan(Duration.ofSeconds(1)));
        writeLock(new LockOwner(me, myStart + 12345, LockOwner.thisHost(), "other-jvm", "t1", Instant.now()));
        try (PathLock lock = breaker.lock(dir)) {
            assertTrue(lock.isValid(), "a live pid with another start time is a reused pid: the owner is gone");
        }
        writeLock(new LockOwner(me, myStart, LockOwner.thisHost(), "other-jvm", "t2", Instant.now()));
        FileStat before = lstat(this, dir.resolve(".lock"));
        Thread.sleep(1100); // older than the age limit too: a running owner still wins
        assertThrows(LockTimeoutException.class, () -> breaker.lock(dir));
        assertTrue(before.sameInode(lstat(this, dir.resolve(".lock"))), "a running owner's lock was broken");
    }

    /**
     * CR05: two processes racing to break the same stale lock never both hold it.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void CR05_racingBreakersNeverBothHold() throws Exception {
        int rounds = TckEnvironment.breakRounds();
        long dead = exitedPid();
        int held = 0;
        try (PeerProcess a = ChildJvm.start(getClass(), "race", LockMode.LOCKFILE, dir, "-");
             PeerProcess b = ChildJvm.start(getClass(), "race", LockMode.LOCKFILE, dir, "-")) {
            a.awaitLine("READY", START);
            b.awaitLine("READY", START);
            for (int r = 0; r < rounds; r++) {
                Files.deleteIfExists(dir.resolve(".lock"));
                writeLock(new LockOwner(dead, 1, LockOwner.thisHost(), "dead-jvm", "round" + r, Instant.now()));
                a.send("go");
                b.send("go");
                String ra = a.awaitLine("", START);
                String rb = b.awaitLine("", START);
                assertFalse(ra.equals("HELD") && rb.equals("HELD"), "round " + r + ": both processes hold the lock");
                held += (ra.equals("HELD") ? 1 : 0) + (rb.equals("HELD") ? 1 : 0);
                a.send("release");
                b.send("release");
                assertEquals("NEXT", a.awaitLine("", START));
                assertEquals("NEXT", b.awaitLine("", START));
            }
            a.send("quit");
            b.send("quit");
        }
        assertTrue(held >= rounds * 9 / 10, "the stale lock was broken in only " + held + " of " + rounds + " rounds");
        assertTrue(names(dir).stream().noneMatch(n -> n.startsWith(".lock.") || n.startsWith(".lock-")),
                "no temporary or moved-aside file left: " + names(dir));
    }

    /**
     * CR06: a lock younger than the age limit is never broken; older, it is.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void CR06_youngLockIsNeverBroken() throws Exception {
        Files.createFile(dir.resolve(".lock")); // Asterisk-style: empty, no owner record
        FileStat before = lstat(this, dir.resolve(".lock"));
        PathLocker aged = locker(LockMode.LOCKFILE, Duration.ofMillis(500), StalePolicy.olderThan(Duration.ofSeconds(2)));
        assertThrows(LockTimeoutException.class, () -> aged.lock(dir));
        assertTrue(before.sameInode(lstat(this, dir.resolve(".lock"))), "a young lock was broken");
        Thread.sleep(2100);
        try (PathLock lock = aged.lock(dir)) {
            assertTrue(lock.isValid(), "a lock older than the limit is broken");
        }
    }

    /**
     * CR07: an Asterisk-style empty {@code .lock} left by a crash is never broken without an age policy.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void CR07_asteriskLockWithoutAgePolicyIsNeverBroken() throws Exception {
        try (PeerProcess ast = Peers.asterisk(5, "hold", LockMode.LOCKFILE, dir)) {
            assertEquals("LOCK SUCCESS 0", ast.awaitLine("LOCK", START), ast.transcript());
            ast.process().destroyForcibly();
            ast.process().waitFor();
        }
        FileStat before = lstat(this, dir.resolve(".lock"));
        assertThrows(LockTimeoutException.class,
                () -> locker(LockMode.LOCKFILE, TckEnvironment.timeout(), StalePolicy.deadOwner()).lock(dir));
        assertTrue(before.sameInode(lstat(this, dir.resolve(".lock"))), "Asterisk's lock must stay");
        LockHolder h = locker(LockMode.LOCKFILE, Duration.ZERO).status(dir).lockfile()
                .orElseThrow(() -> new AssertionError("status of " + dir + " shows no LOCKFILE holder"));
        assertTrue(h.owner().isEmpty());
        assertEquals(LockOwner.Liveness.UNKNOWN, h.liveness());
        assertTrue(h.describe().contains("unknown owner"), h.describe());
    }

    /**
     * CR08: leftover temporary files older than the limit and not linked to {@code .lock} are removed by the next lock; others stay.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void CR08_leftoverTemporaryFilesAreSwept() throws Exception {
        Path asteriskOld = Files.createFile(dir.resolve(".lock-0123abcd"));
        Path oursDead = Files.write(dir.resolve(".lock.astlock.1.deadbeef"),
                new LockOwner(exitedPid(), 1, LockOwner.thisHost(), "j", "t", Instant.now()).toBytes());
        Path oursAlive = Files.write(dir.resolve(".lock.astlock.2.cafebabe"), new LockOwner(ProcessHandle.current().pid(),
                LockOwner.startTicks(ProcessHandle.current().pid()), LockOwner.thisHost(), "j", "t", Instant.now()).toBytes());
        Path notOurs = Files.createFile(dir.resolve(".lockfile-notes"));
        Thread.sleep(1100);
        Path asteriskYoung = Files.createFile(dir.resolve(".lock-7fffffff"));
        PathLocker locker = PathLocker.create(LockOptions.builder().timeout(Duration.ZERO)
                .leftoverAge(Duration.ofSeconds(1)).build(), backend());
        List<LeftoverFile> seen = locker.status(dir).leftovers();
        assertEquals(4, seen.size(), seen.toString());
        locker.lock(dir).close();
        assertFalse(Files.exists(asteriskOld), "an old Asterisk temp file must be removed");
        assertFalse(Files.exists(oursDead), "an old temp file of a dead owner must be removed");
        assertTrue(Files.exists(oursAlive), "a temp file of a running owner must stay");
        assertTrue(Files.exists(asteriskYoung), "a young temp file must stay");
        assertTrue(Files.exists(notOurs), "other files are never touched");
    }

    /**
     * ST01: status of a free directory is free, with nothing listed.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void ST01_statusOfAFreeDirectory() throws Exception {
        locker(LockMode.LOCKFILE, Duration.ZERO).lock(dir).close();
        LockStatus s = locker(LockMode.LOCKFILE, Duration.ZERO).status(dir);
        assertFalse(s.isHeld(), s.describe());
        assertEquals(List.of(), s.leftovers());
        assertEquals(dir, s.directory());
    }

    /**
     * ST02: status names a running holder in another process: its owner record (LOCKFILE) or its pid from /proc/locks (FLOCK).
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void ST02_statusNamesARunningHolder() throws Exception {
        for (LockMode mode : List.of(LockMode.LOCKFILE, LockMode.FLOCK)) {
            if (!declares(mode)) {
                continue;
            }
            try (PeerProcess child = holdInChild(mode)) {
                LockStatus s = locker(LockMode.LOCKFILE, Duration.ZERO).status(dir);
                LockHolder h = (mode == LockMode.LOCKFILE ? s.lockfile() : s.flock()).orElseThrow(() ->
                        new AssertionError(mode + " holder not seen: " + s.describe()));
                assertEquals(child.process().pid(), h.pid().orElseThrow(() -> new AssertionError("status names no pid: " + s.describe())), s.describe());
                assertEquals(LockOwner.Liveness.ALIVE, h.liveness(), s.describe());
                assertTrue(h.age().toMillis() < 60_000, s.describe());
                child.send("release");
                child.awaitExit(START);
            }
            assertFalse(locker(LockMode.LOCKFILE, Duration.ZERO).status(dir).isHeld());
        }
    }

    /**
     * ST03: status shows an Asterisk lock as held by an unknown owner, with its age, and lists its temp files.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void ST03_statusOfAnAsteriskLock() throws Exception {
        Files.createFile(dir.resolve(".lock"));
        Path temp = Files.createFile(dir.resolve(".lock-00c0ffee"));
        Files.createLink(dir.resolve(".lock-00000001"), dir.resolve(".lock"));
        LockStatus s = locker(LockMode.LOCKFILE, Duration.ZERO).status(dir);
        LockHolder h = s.lockfile().orElseThrow(() -> new AssertionError("status of " + dir + " shows no LOCKFILE holder: " + s.describe()));
        assertTrue(h.owner().isEmpty());
        assertEquals(LockOwner.Liveness.UNKNOWN, h.liveness());
        assertEquals(2, s.leftovers().size(), s.describe());
        assertEquals(2, s.leftovers().stream().filter(f -> f.path().getFileName().toString().equals(".lock-00000001"))
                .findFirst().orElseThrow(() -> new AssertionError("status lists no leftover temporary file: " + s.describe())).links(), "a temp linked to .lock shows 2 links");
        assertTrue(s.leftovers().stream().anyMatch(f -> f.path().equals(temp) && !f.ours()));
        assertTrue(s.describe().contains("unknown owner"), s.describe());
    }

    /**
     * SD01: SIGTERM to a JVM holding locks releases them on the way out.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SD01_sigtermReleasesHeldLocks() throws Exception {
        String lastTranscript = "";
        for (LockMode mode : declaredModes()) {
            try (PeerProcess child = holdInChild(mode)) {
                assertTrue(Files.exists(dir.resolve(mode.lockFileName())));
                child.process().destroy(); // SIGTERM, and closes the pipes: the child also sees EOF and releases concurrently
                assertTrue(child.process().waitFor(20, TimeUnit.SECONDS));
                Thread.sleep(100);
                lastTranscript = child.transcript() + " exit=" + child.process().exitValue();
            }
            assertFalse(Files.exists(dir.resolve(".lock")), mode + ": .lock must be released at exit; " + lastTranscript);
            assertFalse(locker(mode, Duration.ZERO).status(dir).isHeld(), mode + ": still held after SIGTERM");
            try (PathLock again = locker(mode, Duration.ZERO).lock(dir)) {
                assertTrue(again.isValid());
            }
        }
    }

}
