package io.github.astlock.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.FlockFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our {@code flock(2)} against util-linux {@code flock(1)} in another process: the only peer
 * that proves a real flock (an fcntl lock, or a lock in this JVM only, would pass an in-process
 * test).
 */
class JnaFlockInteropTest {
    @TempDir
    Path dir;

    private final JnaFileOps ops = TestSupport.ops();

    private int flockNonBlocking(Path lock) throws Exception {
        return TestSupport.run("flock", "-n", lock.toString(), "true");
    }

    @Test
    void ourLockExcludesFlock1UntilClosed() throws Exception {
        Path lock = dir.resolve("lock");
        FlockFile f = ops.openForFlock(lock, 0600);
        try {
            assertTrue(f.tryLockExclusive());
            assertTrue(f.tryLockExclusive(), "a second flock on the same descriptor keeps the lock");
            assertEquals(1, flockNonBlocking(lock), "flock -n must fail while we hold the lock");
        } finally {
            f.close();
        }
        assertEquals(0, flockNonBlocking(lock), "flock -n must succeed after close");
        assertTrue(Files.isRegularFile(lock), "close never unlinks the lock file");
    }

    @Test
    void openingWithoutLockingExcludesNobody() throws Exception {
        Path lock = dir.resolve("lock");
        try (FlockFile f = ops.openForFlock(lock, 0600)) {
            assertEquals(0, flockNonBlocking(lock));
            assertTrue(f.tryLockExclusive());
        }
    }

    @Test
    void flock1HolderMakesTryLockFailUntilItExits() throws Exception {
        Path lock = dir.resolve("lock");
        Process holder = new ProcessBuilder("flock", lock.toString(), "sh", "-c", "echo locked; sleep 2")
                .redirectErrorStream(true).start();
        try (FlockFile f = ops.openForFlock(lock, 0600);
             BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("locked", out.readLine(), "flock(1) took the lock");
            assertFalse(f.tryLockExclusive(), "flock(1) holds it: EWOULDBLOCK is false");
            assertFalse(f.tryLockExclusive());
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, holder.exitValue());
            assertTrue(f.tryLockExclusive(), "free once flock(1) has exited");
            assertEquals(1, flockNonBlocking(lock));
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void theDescriptorIsOpenedWriteOnlyNonBlockingAndCloseOnExec() throws Exception {
        try (FlockFile f = ops.openForFlock(dir.resolve("lock"), 0600)) {
            int flags = TestSupport.fdFlags(((JnaFlockFile) f).fd());
            assertEquals(LinuxAbi.O_WRONLY, flags & 03, "access mode");
            assertEquals(LinuxAbi.O_NONBLOCK, flags & LinuxAbi.O_NONBLOCK, "O_NONBLOCK");
            assertEquals(LinuxAbi.O_CLOEXEC, flags & LinuxAbi.O_CLOEXEC, "O_CLOEXEC: a child process must not inherit the lock");
        }
    }
}
