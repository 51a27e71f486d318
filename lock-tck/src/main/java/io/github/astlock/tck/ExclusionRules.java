package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.astlock.LockException;
import io.github.astlock.LockLostException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.LockBackendProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Rules XR: exclusion among astlock users that does not depend on Asterisk behaving, and a
 * release that never removes a lock it has not proved its own (SPEC.md, group XR).
 */
public abstract class ExclusionRules extends CrashRules {
    private static final Duration START = Duration.ofSeconds(30);

    /** For subclasses. */
    protected ExclusionRules() {
    }

    private void assumeDirectoryLock() {
        assumeTrue(backend().supportsDirectoryLock(), "backend '" + backend().id() + "' cannot lock a directory "
                + "descriptor (supportsDirectoryLock() is false), so Asterisk's unlinks can let two astlock processes "
                + "in; the README documents what such a backend still guarantees");
    }

    /**
     * XR01: the A1/A2/J1/J2 sequence in FLOCK mode. Asterisk A1 holds {@code lock}; A2 opens the
     * same inode and polls; A1 unlocks (unlink, close) and A2 gets the orphaned inode; astlock J1
     * creates a new {@code lock} and holds it; A2 unlocks and so unlinks J1's file; astlock J2
     * must still not get in while J1 holds.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void XR01_asteriskOrphanNeverLetsTwoAstlockHoldersInFlock() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        assumeDirectoryLock();
        Path lock = dir.resolve("lock");
        try (PeerProcess a1 = Peers.asterisk(5, "hold", LockMode.FLOCK, dir)) {
            assertEquals("LOCK SUCCESS 0", a1.awaitLine("LOCK", START), a1.transcript());
            try (PeerProcess a2 = Peers.asterisk(60, "hold", LockMode.FLOCK, dir)) {
                awaitOpened(a2, lock);
                a1.send("release");
                a1.awaitLine("UNLOCK", START);
                assertEquals("LOCK SUCCESS 0", a2.awaitLine("LOCK", START), "A2 must get the orphaned inode; "
                        + a2.transcript());
                assertFalse(Files.exists(lock, LinkOption.NOFOLLOW_LINKS), "A1's unlock unlinks lock");
                try (PeerProcess j1 = ChildJvm.start(getClass(), "hold", LockMode.FLOCK, dir, "20000")) {
                    assertEquals("LOCK SUCCESS 0", j1.awaitLine("LOCK", START), j1.transcript());
                    a2.send("release");
                    a2.awaitLine("UNLOCK", START);
                    assertFalse(Files.exists(lock, LinkOption.NOFOLLOW_LINKS), "A2's unlock unlinks J1's lock");
                    try (PeerProcess j2 = ChildJvm.start(getClass(), "try", LockMode.FLOCK, dir, "1000")) {
                        String line = j2.awaitLine("LOCK", START);
                        assertTrue(line.startsWith("LOCK TIMEOUT"), "J2 got the lock while J1 still held it (two "
                                + "astlock holders after Asterisk unlinked J1's lock file): " + line + "; " + j1.transcript());
                    }
                    j1.send("release");
                    j1.awaitLine("UNLOCK", START);
                }
            }
        }
    }

    /**
     * XR02: the same in LOCKFILE mode: astlock J1 holds {@code .lock}; Asterisk's blind unlock
     * removes it; astlock J2 must still not get in while J1 holds.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void XR02_asteriskBlindUnlockNeverLetsTwoAstlockHoldersInLockfile() throws Exception {
        assumeDirectoryLock();
        try (PeerProcess j1 = ChildJvm.start(getClass(), "hold", LockMode.LOCKFILE, dir, "20000")) {
            assertEquals("LOCK SUCCESS 0", j1.awaitLine("LOCK", START), j1.transcript());
            try (PeerProcess unlock = Peers.asterisk(0, "unlock", LockMode.LOCKFILE, dir)) {
                assertEquals("UNLOCK 0", unlock.awaitLine("UNLOCK", START), unlock.transcript());
            }
            assertFalse(Files.exists(dir.resolve(".lock"), LinkOption.NOFOLLOW_LINKS), "Asterisk's unlock removes .lock");
            try (PeerProcess j2 = ChildJvm.start(getClass(), "try", LockMode.LOCKFILE, dir, "1000")) {
                String line = j2.awaitLine("LOCK", START);
                assertTrue(line.startsWith("LOCK TIMEOUT"), "J2 got the lock while J1 still held it (two astlock "
                        + "holders after Asterisk removed J1's .lock): " + line);
            }
            j1.send("release");
            String unlock = j1.awaitLine("UNLOCK", START);
            assertTrue(unlock.contains("LockLostException"), "J1 must learn that its .lock was removed: " + unlock);
        }
    }

    /**
     * XR03: a stranger's {@code .lock} that replaces ours between our release's check and its
     * removal (Asterisk's blind unlock, then Asterisk locking again, injected at that moment) is
     * never removed: the release ends in {@link LockLostException} and Asterisk's lock is still
     * in place, the same inode, and Asterisk can release it.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void XR03_releaseNeverRemovesAStrangersLock() throws Exception {
        Path dotLock = dir.resolve(".lock");
        List<PeerProcess> strangers = new ArrayList<>();
        String[] strangerInode = new String[1];
        AtomicBoolean fired = new AtomicBoolean();
        FaultBackend faulty = new FaultBackend(backend(), path -> {
            if (path.equals(dotLock) && fired.compareAndSet(false, true)) {
                try (PeerProcess unlock = Peers.asterisk(0, "unlock", LockMode.LOCKFILE, dir)) {
                    unlock.awaitLine("UNLOCK", START);
                }
                PeerProcess ast = Peers.asterisk(0, "hold", LockMode.LOCKFILE, dir);
                strangers.add(ast);
                assertEquals("LOCK SUCCESS 0", ast.awaitLine("LOCK", START), ast.transcript());
                strangerInode[0] = identity(dotLock);
            }
        });
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE)
                .timeout(Duration.ZERO).build(), faulty);
        try {
            PathLock lock = locker.lock(dir);
            LockLostException e = assertThrows(LockLostException.class, lock::close,
                    "our release removed a .lock that had been replaced by Asterisk's after our check");
            assertDescribes(e, dir, LockMode.LOCKFILE, null);
            assertTrue(fired.get(), "the injected race did not happen");
            assertEquals(1, strangers.size());
            assertTrue(Files.exists(dotLock, LinkOption.NOFOLLOW_LINKS), "Asterisk's .lock was removed by our release");
            assertEquals(strangerInode[0], identity(dotLock), "Asterisk's .lock must be the same file as before our "
                    + "release (same inode), not a copy or a new one");
            assertEquals(List.of(".lock"), names(dir), "only Asterisk's .lock may remain");
            PeerProcess ast = strangers.get(0);
            ast.send("release");
            assertEquals("UNLOCK 0", ast.awaitLine("UNLOCK", START));
            assertFalse(Files.exists(dotLock, LinkOption.NOFOLLOW_LINKS));
        } finally {
            strangers.forEach(PeerProcess::close);
        }
    }

    /**
     * XR04: a hard link to a waiter's temporary file (made by another process, as a backup with
     * {@code cp -al} would) never makes the waiter believe it holds {@code .lock}.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void XR04_hardLinkOfTheTemporaryFileIsNoLock() throws Exception {
        Path backup = Files.createDirectories(dir.getParent().resolve(dir.getFileName() + "-backup"));
        try (PeerProcess ast = Peers.asterisk(0, "hold", LockMode.LOCKFILE, dir)) {
            assertEquals("LOCK SUCCESS 0", ast.awaitLine("LOCK", START), ast.transcript());
            AtomicBoolean linked = new AtomicBoolean();
            FaultBackend faulty = new FaultBackend(backend(), null) {
                @Override
                public boolean link(Path existing, Path newName) throws ErrnoException {
                    if (linked.compareAndSet(false, true)) {
                        run("ln", existing.toString(), backup.resolve("copy").toString());
                    }
                    return super.link(existing, newName);
                }
            };
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE)
                    .timeout(Duration.ofMillis(300)).build(), faulty);
            assertThrows(io.github.astlock.LockTimeoutException.class, () -> locker.lock(dir).close(),
                    "a hard link of our temporary file made us believe we held .lock while Asterisk held it");
            assertTrue(linked.get(), "the hard link was not made");
            ast.send("release");
            assertEquals("UNLOCK 0", ast.awaitLine("UNLOCK", START));
        } finally {
            deleteTree(backup, false);
        }
    }

    /**
     * XR05: running as root, every lock file left behind belongs to the directory's owner: after
     * a root holder releases, a process running as the directory's owner (an unprivileged user)
     * locks at once with Asterisk's protocol, in every mode.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void XR05_afterRootTheDirectoryOwnerLocksAtOnce() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "not running as root: there is no root holder "
                + "to leave files behind; run the kit as root to check this rule");
        assumeTrue(Peers.runs("setpriv", "--version"), "setpriv(1) is missing; install util-linux");
        Path ref = Peers.reference();
        assumeTrue(Peers.runs("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ref.toString(), "--help"),
                "the unprivileged user cannot run the C reference at " + ref + " (a parent folder is not searchable)");
        Files.setAttribute(dir, "unix:uid", 65534);
        Files.setAttribute(dir, "unix:gid", 65534);
        for (LockMode mode : declaredModes()) {
            locker(mode, Duration.ZERO).lock(dir).close();
            for (LockMode asterisk : mode.components()) {
                List<String> cmd = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        ref.toString(), "-t", "0", "try", asterisk.asteriskName(), dir.toString());
                try (PeerProcess p = PeerProcess.start("unprivileged asterisk-ref", null, cmd)) {
                    assertEquals("LOCK SUCCESS 0", p.awaitLine("LOCK", START), "after a root holder in " + mode
                            + ", the directory's owner could not lock in " + asterisk + " mode: " + p.transcript()
                            + "; files: " + describeFiles());
                    assertEquals(0, p.awaitExit(START));
                }
            }
        }
    }

    /**
     * XR06: mixed lost-update runs with hold intervals, in every declared mode: two backend
     * processes and two C-reference workers (for BOTH, one in each of Asterisk's modes) log
     * when they enter and leave; two astlock processes MUST never hold at once. Overlaps that
     * involve Asterisk (its own defect in FLOCK mode) are counted by pair and reported.
     *
     * @param reporter where the overlaps involving Asterisk are published
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void XR06_mixedRunsNeverOverlapTwoAstlockHolders(org.junit.jupiter.api.TestReporter reporter)
            throws Exception {
        int m = TckEnvironment.stressIterations();
        for (LockMode mode : declaredModes()) {
            Path folder = Files.createDirectory(dir.resolve(mode.name().toLowerCase(java.util.Locale.ROOT)));
            Map<String, Integer> pairs = mixedRun(getClass(), "astlock-" + backend().id(), folder, mode, 2, m);
            String report = mode + ", 2 " + backend().id() + " + 2 Asterisk workers x " + m + ": overlapping holds "
                    + (pairs.isEmpty() ? "none" : pairs.toString());
            reporter.publishEntry("overlaps " + mode, report);
            System.out.println("[astlock-tck] " + report);
            assertEquals(0, HoldLog.astlockOnly(pairs), "two astlock processes held the folder at once: " + report);
        }
    }

    /**
     * One mixed lost-update run with a hold log: {@code javaWorkers} child JVMs of {@code kit}
     * and two C-reference workers (in BOTH mode one in each of Asterisk's modes).
     *
     * @param kit        the kit class whose backend the children use
     * @param kind       the children's name in the result, for example {@code astlock-jna}
     * @param folder     the folder to lock
     * @param mode       the mode
     * @param javaWorkers how many child JVMs
     * @param iterations increments per worker
     * @return overlapping holds by pair of kinds
     * @throws Exception when a worker fails
     */
    public static Map<String, Integer> mixedRun(Class<?> kit, String kind, Path folder, LockMode mode, int javaWorkers,
                                                int iterations) throws Exception {
        return mixedRun(java.util.Collections.nCopies(javaWorkers, kit), java.util.Collections.nCopies(javaWorkers, kind),
                folder, mode, iterations);
    }

    /**
     * One mixed lost-update run with a hold log, with child JVMs of several kits.
     *
     * @param kits       one kit class per child JVM
     * @param kinds      the name of each child in the result
     * @param folder     the folder to lock
     * @param mode       the mode
     * @param iterations increments per worker
     * @return overlapping holds by pair of kinds
     * @throws Exception when a worker fails
     */
    public static Map<String, Integer> mixedRun(List<Class<?>> kits, List<String> kinds, Path folder, LockMode mode,
                                                int iterations) throws Exception {
        Path counter = folder.resolveSibling(folder.getFileName() + ".counter");
        Path log = folder.resolveSibling(folder.getFileName() + ".holds");
        Files.deleteIfExists(counter);
        Files.deleteIfExists(log);
        Map<Long, String> byPid = new java.util.HashMap<>();
        List<PeerProcess> all = new ArrayList<>();
        try {
            for (int i = 0; i < kits.size(); i++) {
                PeerProcess p = ChildJvm.start(kits.get(i), "count", mode, folder, counter.toString(),
                        Integer.toString(iterations), log.toString());
                byPid.put(p.process().pid(), kinds.get(i));
                all.add(p);
            }
            List<LockMode> asterisk = mode == LockMode.BOTH ? List.of(LockMode.FLOCK, LockMode.LOCKFILE)
                    : List.of(mode, mode);
            for (LockMode a : asterisk) {
                PeerProcess p = Peers.asterisk(5, "countlog", a, folder, counter.toString(), Integer.toString(iterations),
                        log.toString());
                byPid.put(p.process().pid(), "asterisk");
                all.add(p);
            }
            for (PeerProcess p : all) {
                p.awaitLine("DONE", TckEnvironment.processLimit());
                assertEquals(0, p.awaitExit(START), p.transcript());
            }
        } finally {
            all.forEach(PeerProcess::close);
        }
        return HoldLog.overlaps(log, byPid);
    }

    private static String identity(Path p) throws IOException {
        return Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS) + ":"
                + Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private String describeFiles() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String n : names(dir)) {
            Path p = dir.resolve(n);
            try {
                java.util.Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
                b.append(n).append(' ').append(a.get("uid")).append(':').append(a.get("gid")).append(' ')
                        .append(Integer.toOctalString((Integer) a.get("mode"))).append("; ");
            } catch (java.nio.file.NoSuchFileException gone) {
                // a peer's lock file, removed since the listing (this text is built before the check)
            }
        }
        return b.toString();
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until a process has {@code file} open (seen in {@code /proc/PID/fd}). */
    private static void awaitOpened(PeerProcess p, Path file) throws InterruptedException {
        Path fds = Path.of("/proc", Long.toString(p.process().pid()), "fd");
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            try (var s = Files.list(fds)) {
                boolean open = s.anyMatch(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).equals(file);
                    } catch (IOException e) {
                        return false;
                    }
                });
                if (open) {
                    return;
                }
            } catch (IOException e) {
                // not started yet, or gone: the awaitLine below reports it
            }
            Thread.sleep(5);
        }
        throw new AssertionError(p.transcript() + ": never opened " + file);
    }

    /** A step injected into a primitive call. */
    @FunctionalInterface
    interface Injection {
        void before(Path path) throws Exception;
    }

    /**
     * The backend under test with an injection run before {@code rename} or {@code unlink} of a
     * path: the moment between the protocol's last check and its removal.
     */
    static class FaultBackend extends ForwardingBackend {
        private final Injection beforeRemoval;

        FaultBackend(LockBackendProvider real, Injection beforeRemoval) {
            super(real);
            this.beforeRemoval = beforeRemoval;
        }

        private void inject(Path path) {
            if (beforeRemoval == null) {
                return;
            }
            try {
                beforeRemoval.before(path);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void unlink(Path path) throws ErrnoException {
            inject(path);
            super.unlink(path);
        }

        @Override
        public void rename(Path from, Path to) throws ErrnoException {
            inject(from);
            super.rename(from, to);
        }
    }
}
