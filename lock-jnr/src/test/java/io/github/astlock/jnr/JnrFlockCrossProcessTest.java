package io.github.astlock.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.FlockFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our flock(2) against util-linux's {@code flock(1)}, a peer in another process that nobody
 * here wrote. In one process an fcntl-based fake would pass; across processes it cannot.
 */
class JnrFlockCrossProcessTest {
    @TempDir
    Path dir;

    private final JnrFileOps ops = TestSupport.ops();

    private int flockNonBlocking(Path lock) throws Exception {
        return TestSupport.run(10, List.of("flock", "-n", lock.toString(), "true")).exit;
    }

    @Test
    void whileWeHoldFlockNFailsAndAfterCloseItSucceeds() throws Exception {
        Path lock = dir.resolve("lock");
        FlockFile f = ops.openForFlock(lock, 0600);
        try {
            assertTrue(f.tryLockExclusive());
            assertEquals(1, flockNonBlocking(lock), "flock(1) -n must fail while we hold the lock");
        } finally {
            f.close();
        }
        assertEquals(0, flockNonBlocking(lock), "flock(1) -n must succeed after close");
        assertTrue(Files.exists(lock));
    }

    @Test
    void whileFlockHoldsWeGetFalseAndLaterTrue() throws Exception {
        Path lock = dir.resolve("lock");
        // flock(1) holds the lock until we close its standard input, so a LOCK_NB attempt that
        // blocked would never return while it holds: the future's bound below catches that
        Process holder = new ProcessBuilder("flock", lock.toString(), "sh", "-c", "echo locked; exec cat >/dev/null")
                .redirectErrorStream(true).start();
        try (FlockFile f = ops.openForFlock(lock, 0600);
             BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("locked", out.readLine(), "flock(1) took the lock");
            CompletableFuture<Boolean> attempt = CompletableFuture.supplyAsync(() -> {
                try {
                    return f.tryLockExclusive();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            assertFalse(attempt.get(30, TimeUnit.SECONDS), "flock(1) holds it: EWOULDBLOCK -> false, without blocking");
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "hang guard: flock(1) did not end");
            assertEquals(0, holder.exitValue());
            assertTrue(f.tryLockExclusive(), "free after flock(1) exited");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void pathLockerInFlockModeExcludesFlockAndLeavesTheFile() throws Exception {
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK).build(), "jnr");
        Path lock = dir.resolve("lock");
        try (PathLock held = locker.lock(dir)) {
            assertEquals("jnr", held.backendId());
            assertEquals(lock, held.lockFile());
            assertEquals(1, flockNonBlocking(lock));
        }
        assertTrue(Files.exists(lock), "release does not unlink 'lock' (that is what breaks Asterisk's exclusion)");
        assertEquals(0, flockNonBlocking(lock));
    }

    @Test
    void pathLockerInFlockModeTimesOutWhileFlockHolds() throws Exception {
        Path lock = dir.resolve("lock");
        Process holder = new ProcessBuilder("flock", lock.toString(), "sh", "-c", "echo locked; exec sleep 3")
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("locked", out.readLine());
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK)
                    .timeout(Duration.ofMillis(300)).build(), "jnr");
            assertThrows(LockTimeoutException.class, () -> locker.lock(dir));
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }
}
