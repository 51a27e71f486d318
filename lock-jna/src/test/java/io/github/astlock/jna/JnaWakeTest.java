package io.github.astlock.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockOwner;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.tck.PeerProcess;
import io.github.astlock.tck.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A waiter learns of a release from the kernel: a watch on the folder, in the waiting thread
 * itself, for a holder that removes its lock file (the C reference, as Asterisk does), a thread blocked in {@code flock(2)} for a
 * holder of the directory lock (another astlock process, played here by {@code flock(1)} on the
 * directory). Interrupts end either wait at once and leave no file, watch, descriptor or thread.
 */
class JnaWakeTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private PathLocker locker(LockMode mode) {
        return PathLocker.create(LockOptions.builder().mode(mode).timeout(BOUND).build(), "jna");
    }

    @Test
    void aLockfileWaiterWakesOnTheCReferenceRelease() throws Exception {
        wakesOnCReferenceRelease(LockMode.LOCKFILE);
    }

    @Test
    void aFlockWaiterWakesOnTheCReferenceRelease() throws Exception {
        wakesOnCReferenceRelease(LockMode.FLOCK);
    }

    private void wakesOnCReferenceRelease(LockMode mode) throws Exception {
        PathLocker locker = locker(mode);
        try (PeerProcess c = Peers.asterisk(30, "hold", mode, dir)) {
            c.awaitLine("LOCK SUCCESS", BOUND);
            CompletableFuture<PathLock> waiter = lockInThread(locker);
            awaitTrue("the waiter waits in its own watch of the folder", () -> threadsInOwnWatch() == 1);
            assertFalse(waiter.isDone(), "the waiter must not hold the folder while the C reference does");
            c.send("release");
            c.awaitLine("UNLOCK 0", BOUND);
            try (PathLock held = waiter.get(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                held.checkValid();
                if (mode == LockMode.LOCKFILE) {
                    Optional<LockOwner> owner = LockOwner.parse(Files.readAllBytes(dir.resolve(".lock")));
                    assertEquals(ProcessHandle.current().pid(), owner.orElseThrow().pid(), "our record in .lock");
                } else {
                    assertEquals(1, Peers.flockTry(dir.resolve("lock")), "flock -n lock while the waiter holds it");
                }
            }
        }
        assertNothingLeft();
    }

    @Test
    void anInterruptDuringTheEventWaitLeavesNothingBehind() throws Exception {
        PathLocker locker = locker(LockMode.LOCKFILE);
        int fds = TestSupport.openFdsUnder(dir);
        try (PeerProcess c = Peers.asterisk(30, "hold", LockMode.LOCKFILE, dir)) {
            c.awaitLine("LOCK SUCCESS", BOUND);
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try (PathLock unexpected = locker.lockInterruptibly(dir)) {
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            waiter.start();
            awaitTrue("the waiter waits in its own watch of the folder", () -> threadsInOwnWatch() == 1);
            waiter.interrupt();
            Throwable e = outcome.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertTrue(e instanceof InterruptedException, "an interrupt must end the wait: " + e);
            assertEquals(List.of(".lock"), names(), "only the C reference's .lock, no temporary file of ours");
            awaitTrue("no wait in a watch left", () -> threadsInOwnWatch() == 0);
            c.send("release");
            c.awaitLine("UNLOCK 0", BOUND);
        }
        assertEquals(fds, TestSupport.openFdsUnder(dir), "descriptors under the folder");
        assertNothingLeft();
    }

    @Test
    void theDirectoryLockIsHandedOverByTheKernel() throws Exception {
        PathLocker locker = locker(LockMode.LOCKFILE);
        try (PeerProcess other = Peers.flockHolder(dir)) {
            other.awaitLine("LOCK SUCCESS", BOUND);
            CompletableFuture<PathLock> waiter = lockInThread(locker);
            awaitTrue("a helper waits in flock(2)", () -> blockedHelpers() == 1);
            assertFalse(waiter.isDone(), "the waiter must not hold the folder while another holds its directory lock");
            other.send("release");
            other.awaitExit(BOUND);
            try (PathLock held = waiter.get(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                held.checkValid();
                assertEquals(1, Peers.flockTry(dir), "flock -n on the directory while the waiter holds it");
            }
        }
        assertEquals(0, Peers.flockTry(dir), "flock -n on the directory after release");
        assertNothingLeft();
    }

    @Test
    void aWaiterThatGivesUpLeavesTheHelperToReleaseAndTheNextOneReusesIt() throws Exception {
        PathLocker quick = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE)
                .timeout(Duration.ofMillis(200)).build(), "jna");
        PathLocker patient = locker(LockMode.LOCKFILE);
        try (PeerProcess other = Peers.flockHolder(dir)) {
            other.awaitLine("LOCK SUCCESS", BOUND);
            org.junit.jupiter.api.Assertions.assertThrows(io.github.astlock.LockTimeoutException.class,
                    () -> quick.lock(dir), "held by another process");
            assertEquals(1, blockedHelpers(), "the helper stays blocked in flock(2)");

            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try (PathLock unexpected = patient.lockInterruptibly(dir)) {
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            waiter.start();
            awaitTrue("the second waiter waits", () -> waiter.getState() == Thread.State.TIMED_WAITING);
            assertEquals(1, helperThreads(), "the next waiter takes over the blocked helper instead of starting one");
            waiter.interrupt();
            Throwable e = outcome.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertTrue(e instanceof InterruptedException, "an interrupt must end the wait: " + e);
            assertEquals(List.of(), names(), "nothing of ours on disk");

            other.send("release");
            other.awaitExit(BOUND);
        }
        awaitTrue("the helper got the lock, found nobody waiting and let go",
                () -> blockedHelpers() == 0);
        awaitTrue("the directory lock is free again", () -> {
            try {
                return Peers.flockTry(dir) == 0;
            } catch (Exception x) {
                throw new IllegalStateException(x);
            }
        });
        assertNothingLeft();
    }

    private CompletableFuture<PathLock> lockInThread(PathLocker locker) {
        CompletableFuture<PathLock> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(locker.lockInterruptibly(dir));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "test-waiter");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lock")).sorted()
                    .collect(Collectors.toList());
        }
    }

    // The library's internals are not exported; the tests run on the class path and look.
    private static Object internal(String cls, String method) {
        try {
            Class<?> c = Class.forName("io.github.astlock.internal." + cls);
            Object target = cls.equals("ReleaseEvents") ? c.getField("GLOBAL").get(null) : null;
            return c.getMethod(method).invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int watchedDirectories() {
        return (Integer) internal("ReleaseEvents", "watchedDirectories");
    }

    /** Threads blocked in the backend's own release watch (the waiting thread itself, in poll(2)). */
    private static long threadsInOwnWatch() {
        return Thread.getAllStackTraces().entrySet().stream().filter(e -> e.getKey().isAlive()
                && java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(
                        "io.github.astlock.spi.InotifyWatch") && f.getMethodName().equals("await"))).count();
    }

    /** The inotify descriptors this process has open (the watches' instances, kept for reuse a short while). */
    private static long inotifyDescriptors() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().equals("anon_inode:inotify");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean watchRunning() {
        return (Boolean) internal("ReleaseEvents", "running");
    }

    private static int blockedHelpers() {
        return (Integer) internal("DirectoryHandOff", "blockedHelpers");
    }

    private static long helperThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("astlock-directory-wait")).count();
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "never came true: " + what);
            Thread.sleep(5);
        }
    }

    private static void assertNothingLeft() throws InterruptedException {
        awaitTrue("no watch, no helper and no thread of ours left", () -> watchedDirectories() == 0
                && !watchRunning() && blockedHelpers() == 0 && threadsInOwnWatch() == 0 && inotifyDescriptors() == 0
                && Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive()
                        && (t.getName().equals("astlock-release-events") || t.getName().equals("astlock-directory-wait")
                        || t.getName().equals("astlock-release-watch-closer"))));
    }
}
