package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.StalePolicy;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Rules RL: reliability under accident and attack (SPEC.md, group RL): no hang on a FIFO, no
 * busy loop on an unreadable lock, a release that survives an interrupt, a stale break that
 * puts back what it must not remove.
 */
public abstract class ReliabilityRules extends ExclusionRules {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration HANG = Duration.ofSeconds(20);

    /** For subclasses. */
    protected ReliabilityRules() {
    }

    /**
     * RL01: {@code read} of a FIFO (one swapped in place of {@code .lock}) fails at once instead
     * of blocking, and a locker with a stale policy facing it times out as usual.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void RL01_fifoInPlaceOfTheLockNeverBlocks() throws Exception {
        Path dotLock = dir.resolve(".lock");
        Process mk = new ProcessBuilder("mkfifo", dotLock.toString()).start();
        assertEquals(0, mk.waitFor(), "mkfifo failed");
        ErrnoException e = assertTimeoutPreemptively(HANG, () -> assertThrows(ErrnoException.class,
                () -> backend().fileOps().read(dotLock, 4096)), "read() blocked on a FIFO (opened without O_NONBLOCK?)");
        assertTrue(e.getMessage().contains(dotLock.toString()), e.getMessage());
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE)
                .timeout(TckEnvironment.timeout()).stalePolicy(StalePolicy.deadOwner()).build(), backend());
        assertTimeoutPreemptively(HANG, () -> assertThrows(LockTimeoutException.class, () -> locker.lock(dir)),
                "lock() with a stale policy blocked on a FIFO named .lock");
        assertTimeoutPreemptively(HANG, () -> locker.status(dir), "status() blocked on a FIFO named .lock");
    }

    /**
     * RL02: a {@code .lock} the caller cannot read, with a stale policy, is waited for with the
     * usual pauses until the timeout, not retried in a busy loop.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void RL02_unreadableLockWithStalePolicyHonoursTheTimeout() throws Exception {
        Path dotLock = dir.resolve(".lock");
        try (PeerProcess ast = Peers.asterisk(0, "hold", LockMode.LOCKFILE, dir)) {
            assertEquals("LOCK SUCCESS 0", ast.awaitLine("LOCK", START), ast.transcript());
            AtomicInteger reads = new AtomicInteger();
            ExclusionRules.FaultBackend unreadable = new ExclusionRules.FaultBackend(backend(), null) {
                @Override
                public byte[] read(Path path, int maxBytes) throws ErrnoException {
                    if (path.equals(dotLock)) {
                        reads.incrementAndGet();
                        throw new ErrnoException("open", path, Errno.EACCES);
                    }
                    return super.read(path, maxBytes);
                }
            };
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE)
                    .timeout(TckEnvironment.timeout()).stalePolicy(StalePolicy.deadOwner()).build(), unreadable);
            assertTimeoutPreemptively(HANG, () -> assertThrows(LockTimeoutException.class, () -> locker.lock(dir)),
                    "lock() never ended on an unreadable .lock");
            // With pauses of at least 1 ms the count is bounded by the timeout in ms; a busy loop
            // reads many thousands of times.
            assertTrue(reads.get() <= TckEnvironment.timeout().toMillis() + 10,
                    "an unreadable .lock was read " + reads.get() + " times in " + TckEnvironment.timeout().toMillis()
                            + " ms: retried at once instead of waiting between attempts");
            ast.send("release");
            ast.awaitLine("UNLOCK", START);
        }
    }

    /**
     * RL03: {@code checkValid()} and {@code close()} on an interrupted thread work: the lock is
     * released on disk, no lock file is left, and the interrupt status is kept.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void RL03_interruptedCloseReleases() throws Exception {
        for (LockMode mode : declaredModes()) {
            PathLock lock = locker(mode, Duration.ZERO).lock(dir);
            Thread.currentThread().interrupt();
            try {
                lock.checkValid();
                lock.close();
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status must be kept");
            } finally {
                Thread.interrupted();
            }
            assertTrue(lock.isReleased(), mode + ": the handle must be released");
            assertFalse(Files.exists(dir.resolve(".lock"), LinkOption.NOFOLLOW_LINKS),
                    mode + ": .lock was left behind by a close() on an interrupted thread");
            try (PeerProcess ast = Peers.asterisk(0, "try", mode.components().get(mode.components().size() - 1), dir)) {
                assertEquals("LOCK SUCCESS 0", ast.awaitLine("LOCK", START), mode + ": " + ast.transcript());
                // let it unlock and exit by itself: stopped earlier, it could leave its own lock
                // file for the next mode's check
                assertEquals(0, ast.awaitExit(START), mode + ": " + ast.transcript());
            }
        }
    }

    /**
     * RL04: stale breaking puts back a lock that was replaced between its judgement and its
     * removal: Asterisk's fresh lock, made in that window by deterministic replay, survives, and
     * the breaker does not get in.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void RL04_staleBreakPutsBackALockReplacedInTheWindow() throws Exception {
        Path dotLock = dir.resolve(".lock");
        List<PeerProcess> fresh = new ArrayList<>();
        try (PeerProcess old = Peers.asterisk(0, "hold", LockMode.LOCKFILE, dir)) {
            assertEquals("LOCK SUCCESS 0", old.awaitLine("LOCK", START), old.transcript());
            Thread.sleep(1500); // .lock is now older than the policy's 1 s
            AtomicBoolean fired = new AtomicBoolean();
            ExclusionRules.FaultBackend replay = new ExclusionRules.FaultBackend(backend(), path -> {
                if (path.equals(dotLock) && fired.compareAndSet(false, true)) {
                    try (PeerProcess unlock = Peers.asterisk(0, "unlock", LockMode.LOCKFILE, dir)) {
                        unlock.awaitLine("UNLOCK", START);
                    }
                    PeerProcess ast = Peers.asterisk(0, "hold", LockMode.LOCKFILE, dir);
                    fresh.add(ast);
                    assertEquals("LOCK SUCCESS 0", ast.awaitLine("LOCK", START), ast.transcript());
                }
            });
            PathLocker breaker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE)
                    .timeout(TckEnvironment.timeout()).stalePolicy(StalePolicy.olderThan(Duration.ofSeconds(1)))
                    .build(), replay);
            assertThrows(LockTimeoutException.class, () -> breaker.lock(dir).close(),
                    "the breaker got in although the stale lock had been replaced by a fresh one before it was moved");
            assertTrue(fired.get(), "the replay did not happen: the breaker never moved .lock");
            assertEquals(List.of(".lock"), names(dir), "exactly Asterisk's fresh .lock must remain");
            PeerProcess ast = fresh.get(0);
            ast.send("release");
            assertEquals("UNLOCK 0", ast.awaitLine("UNLOCK", START));
            assertFalse(Files.exists(dotLock, LinkOption.NOFOLLOW_LINKS));
            old.send("release");
        } finally {
            fresh.forEach(PeerProcess::close);
        }
    }
    /**
     * RL05: a folder whose path leaves just room for Asterisk's temporary file
     * ({@code /.lock-XXXXXXXX}, 15 bytes, within {@code PATH_MAX} of 4096 bytes with its NUL) can
     * be locked in every declared mode, as Asterisk can lock it, and nothing is left behind.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void RL05_folderNearPathMaxCanBeLocked() throws Exception {
        Path deep = pathOfLength(dir, 4095 - "/.lock-XXXXXXXX".length());
        Files.createDirectories(deep);
        assertEquals(4080, deep.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        try (PeerProcess ast = Peers.asterisk(0, "try", LockMode.LOCKFILE, deep)) {
            assertEquals("LOCK SUCCESS 0", ast.awaitLine("LOCK", START), "Asterisk itself: " + ast.transcript());
        }
        for (LockMode mode : declaredModes()) {
            try (PathLock lock = locker(mode, Duration.ZERO).lock(deep)) {
                lock.checkValid();
            }
            // FLOCK leaves its lock file in place by design; nothing else may stay.
            assertEquals(mode == LockMode.LOCKFILE ? List.of() : List.of("lock"), names(deep), mode + ": left behind");
        }
    }

    /**
     * RL06: a folder whose name is not valid in the JVM's file-name encoding (Latin-1
     * {@code caf\u00e9} as the single byte {@code 0xE9} under UTF-8) is locked itself, or refused
     * with a typed error naming it; the look-alike folder that its decoded text names
     * ({@code caf\uFFFD}) is never locked.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void RL06_nonUtf8FolderNameNeverLocksAnotherFolder() throws Exception {
        // The byte name is made by a child process: a Java String cannot carry it.
        Process mk = new ProcessBuilder("sh", "-c", "mkdir \"$(printf 'caf\\351')\"").directory(dir.toFile()).start();
        assertEquals(0, mk.waitFor(), "mkdir of the Latin-1 name failed");
        Path latin1;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            latin1 = s.filter(p -> p.getFileName().toString().startsWith("caf")).findFirst().orElseThrow();
        }
        String text = latin1.getFileName().toString();
        org.junit.jupiter.api.Assumptions.assumeTrue(text.contains("\uFFFD"),
                "the JVM's file-name encoding decodes 0xE9 (" + System.getProperty("sun.jnu.encoding")
                + "): this rule needs a UTF-8 JVM");
        Path lookAlike = Files.createDirectory(dir.resolve(text));
        assertFalse(Files.isSameFile(latin1, lookAlike), "the look-alike must be another folder");
        for (LockMode mode : declaredModes()) {
            try (PathLock lock = locker(mode, Duration.ZERO).lock(latin1)) {
                assertEquals(List.of(), names(lookAlike), mode + ": the look-alike folder was locked instead");
                assertTrue(Files.exists(latin1.resolve(mode.components().get(0).lockFileName()),
                        LinkOption.NOFOLLOW_LINKS), mode + ": no lock file in the folder itself");
            } catch (io.github.astlock.LockException e) {
                assertTrue(e.getMessage().contains(latin1.toString()), "the error must name the folder: " + e.getMessage());
                assertEquals(List.of(), names(lookAlike), mode + ": the look-alike folder was touched");
                try (java.util.stream.Stream<Path> s = Files.list(latin1)) {
                    assertEquals(0, s.count(), mode + ": a refused lock left files in the folder");
                }
            }
        }
    }

    /**
     * RL07: running as root, a folder reached through a symbolic link that root does not own is
     * refused with a typed error naming it ({@code ELOOP}), and nothing is created where the link
     * points; a link root owns is followed.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void RL07_rootDoesNotFollowAnotherUsersSymlink() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "not running as root: other users follow symbolic links as Asterisk does; run the kit as root");
        Path spool = Files.createDirectory(dir.resolve("spool"));
        Path folder = Files.createDirectory(spool.resolve("INBOX"));
        Path victim = Files.createDirectory(dir.resolve("victim"));
        Files.setAttribute(spool, "unix:uid", 65534);
        Files.setAttribute(folder, "unix:uid", 65534);
        Path foreign = Files.createSymbolicLink(spool.resolve("Old"), victim);
        Files.setAttribute(foreign, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        Path owned = Files.createSymbolicLink(dir.resolve("by-root"), folder);
        for (LockMode mode : declaredModes()) {
            io.github.astlock.LockPathException e = assertThrows(io.github.astlock.LockPathException.class,
                    () -> locker(mode, Duration.ZERO).lock(foreign).close(),
                    mode + ": root followed a symbolic link owned by another user");
            assertTrue(e.getMessage().contains(foreign.toString()) && e.getMessage().contains("ELOOP"), e.getMessage());
            assertEquals(List.of(), names(victim), mode + ": something was created where the link points");
            try (PathLock lock = locker(mode, Duration.ZERO).lock(owned)) {
                assertTrue(Files.exists(folder.resolve(mode.components().get(0).lockFileName()), LinkOption.NOFOLLOW_LINKS),
                        mode + ": a link owned by root must be followed");
            }
        }
        assertThrows(io.github.astlock.LockPathException.class, () -> PathLocker.create(LockOptions.builder()
                .mode(LockMode.LOCKFILE).build(), backend()).breakStaleLock(foreign, StalePolicy.deadOwner(), false));
        assertEquals(List.of(), names(victim));
    }

    /**
     * RL08: running as root, a folder swapped for a symbolic link (owned by the spool's owner)
     * while it is being locked never makes the backend create or remove files where the link
     * points: neither a swap while the folder is opened (the lock is refused or times out) nor
     * a swap after the folder was checked (the lock files stay in the directory that was locked).
     * Needs a backend that locks directory descriptors and knows their numbers.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void RL08_rootLockSurvivesAFolderSwappedForASymlink() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "not running as root: other users follow symbolic links as Asterisk does; run the kit as root");
        org.junit.jupiter.api.Assumptions.assumeTrue(backend().supportsDirectoryLock(), "backend '" + backend().id()
                + "' cannot lock a directory descriptor, so it cannot pin the folder; as root it checks the path once "
                + "(rule RL07)");
        boolean knowsPath;
        try (io.github.astlock.spi.FlockFile probe = backend().fileOps().openDirectoryForFlock(dir)) {
            knowsPath = probe.descriptorPath().isPresent();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(knowsPath, "backend '" + backend().id() + "' does not tell the "
                + "path of its directory descriptors (FlockFile.descriptorPath()), so the folder cannot be pinned; as "
                + "root it checks the path once (rule RL07)");
        Path spool = Files.createDirectory(dir.resolve("spool"));
        Path victim = Files.createDirectory(dir.resolve("victim"));
        Path folder = spool.resolve("INBOX");
        Path moved = spool.resolve("INBOX.moved");
        for (LockMode mode : declaredModes()) {
            for (boolean duringOpen : new boolean[] {true, false}) {
                Files.createDirectory(folder);
                AtomicBoolean swapped = new AtomicBoolean();
                ForwardingBackend swapping = new ForwardingBackend(backend(), true) {
                    private void swap() {
                        try {
                            Files.move(folder, moved);
                            Path link = Files.createSymbolicLink(folder, victim);
                            Files.setAttribute(link, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }

                    private void unswap() {
                        try {
                            Files.delete(folder);
                            Files.move(moved, folder);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }

                    @Override
                    public io.github.astlock.spi.FlockFile openDirectoryForFlock(Path d) throws ErrnoException {
                        if (!duringOpen || !d.equals(folder) || !swapped.compareAndSet(false, true)) {
                            return super.openDirectoryForFlock(d);
                        }
                        swap(); // the name leads to the victim while it is opened...
                        try {
                            return super.openDirectoryForFlock(d);
                        } finally {
                            unswap(); // ...and to the folder again when it is checked
                        }
                    }

                    @Override
                    public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
                        swapAfterCheck(path);
                        super.createExclusive(path, permissions, content);
                    }

                    @Override
                    public io.github.astlock.spi.FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
                        swapAfterCheck(path);
                        return super.openForFlock(path, permissions);
                    }

                    private void swapAfterCheck(Path path) {
                        // The core names the folder's files through its open descriptor here.
                        if (!duringOpen && !swapped.get() && isFolder(path.getParent()) && swapped.compareAndSet(false, true)) {
                            swap();
                        }
                    }

                    private boolean isFolder(Path p) {
                        try {
                            return p != null && p.toRealPath().equals(folder.toRealPath());
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    }
                };
                String what = mode + (duringOpen ? ", swapped while opened" : ", swapped after the check");
                PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).timeout(Duration.ZERO).build(),
                        swapping);
                if (duringOpen) {
                    // Refused, or timed out after finding the name leading elsewhere: never the victim.
                    io.github.astlock.LockException e = assertThrows(io.github.astlock.LockException.class,
                            () -> locker.lock(folder).close(), what + ": root locked the directory it was led to by the swap");
                    assertTrue(e instanceof io.github.astlock.LockPathException || e instanceof LockTimeoutException,
                            what + ": " + e);
                } else {
                    try (PathLock lock = locker.lock(folder)) {
                        assertEquals(List.of(), names(victim), what + ": lock files were made where the link points");
                        assertTrue(Files.exists(moved.resolve(mode.components().get(0).lockFileName()),
                                LinkOption.NOFOLLOW_LINKS), what + ": the lock is not in the directory that was locked");
                    }
                    assertFalse(Files.exists(moved.resolve(".lock"), LinkOption.NOFOLLOW_LINKS), what + ": .lock left");
                }
                assertTrue(swapped.get(), what + ": the swap did not happen");
                assertEquals(List.of(), names(victim), what + ": something was created or removed where the link points");
                for (Path p : List.of(folder, moved)) {
                    if (Files.isSymbolicLink(p)) {
                        Files.delete(p);
                    } else if (Files.isDirectory(p)) {
                        try (java.util.stream.Stream<Path> st = Files.list(p)) {
                            for (Path f : st.toList()) {
                                Files.delete(f);
                            }
                        }
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /** {@code base} extended by sub-folders to exactly {@code length} bytes (ASCII names). */
    static Path pathOfLength(Path base, int length) {
        Path p = base;
        while (p.toString().length() < length) {
            int room = length - p.toString().length() - 1;
            int n = room > 250 ? 200 : room;
            if (n < 1) {
                throw new IllegalStateException("cannot reach " + length + " bytes from " + base);
            }
            p = p.resolve("d".repeat(n));
        }
        return p;
    }
}
