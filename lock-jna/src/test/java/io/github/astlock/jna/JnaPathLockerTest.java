package io.github.astlock.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.BackendInfo;
import io.github.astlock.LockBackends;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole library on this backend: discovery and lock round trips in both modes. */
class JnaPathLockerTest {
    @TempDir
    Path dir;

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void discoveredByServiceLoaderAsUsableWithBothModes() {
        List<BackendInfo> found = LockBackends.list();
        BackendInfo jna = found.stream().filter(b -> b.id().equals("jna")).findFirst()
                .orElseThrow(() -> new AssertionError("jna not found: " + found));
        assertTrue(jna.usable(), jna::describe);
        assertEquals(JnaBackendProvider.class.getName(), jna.className());
        assertEquals(50, jna.priority());
        assertEquals(Set.of(LockMode.LOCKFILE, LockMode.FLOCK), jna.modes());
        String reason = jna.availability().reason();
        String arch = LinuxAbi.forArch(System.getProperty("os.arch")).orElseThrow().name();
        assertTrue(reason.contains("JNA 5.") && reason.contains(arch) && reason.contains("O_NOFOLLOW verified"), reason);
        assertEquals("jna", LockBackends.select().id(), "highest priority (the only backend here)");
    }

    @Test
    void flockRoundTripLeavesTheLockFileAndExcludesFlock1() throws Exception {
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK).build(), "jna");
        try (PathLock lock = locker.lock(dir)) {
            assertEquals("jna", lock.backendId());
            assertEquals(LockMode.FLOCK, lock.mode());
            assertEquals(List.of("lock"), names());
            assertEquals(1, TestSupport.run("flock", "-n", dir.resolve("lock").toString(), "true"));
            lock.checkValid();
        }
        assertEquals(List.of("lock"), names(), "release does not unlink 'lock'");
        assertEquals(0, TestSupport.run("flock", "-n", dir.resolve("lock").toString(), "true"));
        try (PathLock again = locker.lock(dir)) {
            assertTrue(again.isValid());
        }
    }

    @Test
    void flockModeWaitsForAFlock1Holder() throws Exception {
        Path lockFile = dir.resolve("lock");
        // flock(1) holds the lock until we close its standard input: the order of events, not the
        // clock, decides this test
        Process holder = new ProcessBuilder("flock", lockFile.toString(), "sh", "-c", "echo locked; cat >/dev/null")
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("locked", out.readLine());
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK)
                    .timeout(Duration.ofSeconds(60)).build(), "jna");
            assertTrue(locker.tryLock(dir).isEmpty(), "held by flock(1)");
            AtomicBoolean released = new AtomicBoolean();
            CompletableFuture<Boolean> acquired = CompletableFuture.supplyAsync(() -> {
                try (PathLock lock = locker.lock(dir)) {
                    boolean afterRelease = released.get();
                    assertEquals(1, TestSupport.run("flock", "-n", lockFile.toString(), "true"), "we hold it now");
                    return afterRelease;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(acquired.isDone(), "got the lock while flock(1) held it");
            released.set(true);
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "hang guard: flock(1) did not end");
            assertTrue(acquired.get(30, TimeUnit.SECONDS), "did not return before flock(1) released");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void lockfileRoundTrip() throws Exception {
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE).build(), "jna");
        try (PathLock lock = locker.lock(dir)) {
            assertEquals("jna", lock.backendId());
            assertEquals(List.of(".lock"), names(), "temporary name removed");
            FileStat st = TestSupport.ops().lstat(dir.resolve(".lock")).orElseThrow();
            assertEquals(FileType.REGULAR, st.type());
            assertEquals(1, st.nlink());
        }
        assertEquals(List.of(), names(), "nothing left after release");
    }

    @Test
    void lockfileHeldByLnMakesUsWaitUntilItIsRemoved() throws Exception {
        Path other = Files.createFile(dir.resolve(".lock-0badc0de"));
        assertEquals(0, TestSupport.run("ln", other.toString(), dir.resolve(".lock").toString()));
        Files.delete(other);
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE)
                .timeout(Duration.ofMillis(300)).build(), "jna");
        assertTrue(locker.tryLock(dir).isEmpty());
        Files.delete(dir.resolve(".lock"));
        try (PathLock lock = locker.lock(dir)) {
            assertEquals(List.of(".lock"), names());
        }
        assertEquals(List.of(), names());
    }
}
