package io.github.astlock.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every path, successful or not, must give back each descriptor it opened, exactly once. */
class JnaFdLeakTest {
    private static final int CYCLES = 1000;

    @TempDir
    Path dir;

    private final JnaFileOps ops = TestSupport.ops();

    /**
     * The JVM itself may open a few descriptors meanwhile (class files, JIT; more often on a busy
     * machine), so the total gets a small slack. A leak of one descriptor per cycle still shows as
     * hundreds, and {@link TestSupport#openFdsUnder} checks our own files exactly.
     */
    private static final int SLACK = 5;

    private static void assertNoMoreThan(int before, String when) throws Exception {
        int now = TestSupport.openFds();
        assertTrue(now <= before + SLACK, when + ": " + now + " descriptors open, " + before + " before");
    }

    private void warmUp() throws Exception {
        try (FlockFile f = ops.openForFlock(dir.resolve("warm"), 0600)) {
            f.tryLockExclusive();
            f.fstat();
        }
        Files.delete(dir.resolve("warm"));
    }

    @Test
    void successfulCyclesCloseEverything() throws Exception {
        warmUp();
        int before = TestSupport.openFds();
        Path lock = dir.resolve("lock");
        for (int i = 0; i < CYCLES; i++) {
            FlockFile f = ops.openForFlock(lock, 0600);
            assertTrue(f.tryLockExclusive());
            f.fstat();
            f.close();
        }
        assertEquals(0, TestSupport.openFdsUnder(dir), "after " + CYCLES + " openForFlock/close cycles");
        assertNoMoreThan(before, "after " + CYCLES + " openForFlock/close cycles");
        Path temp = dir.resolve("temp");
        for (int i = 0; i < CYCLES; i++) {
            ops.createExclusive(temp, 0600, "owner 1234\n".getBytes());
            assertTrue(ops.link(temp, dir.resolve(".lock")));
            ops.unlink(temp);
            ops.unlink(dir.resolve(".lock"));
        }
        assertEquals(0, TestSupport.openFdsUnder(dir), "after " + CYCLES + " createExclusive cycles");
        assertNoMoreThan(before, "after " + CYCLES + " createExclusive cycles");
    }

    @Test
    void errorPathsCloseEverything() throws Exception {
        warmUp();
        Path file = Files.createFile(dir.resolve("file"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        Path fifo = TestSupport.mkfifo(dir.resolve("fifo"));
        Path subdir = Files.createDirectory(dir.resolve("subdir"));
        JnaFileOps failingWrite = new JnaFileOps(new DelegatingLibC() {
            @Override
            public long write(int fd, byte[] buf, long count) {
                Native.setLastError(Errno.EDQUOT.number());
                return -1;
            }
        }, ops.abi());
        int before = TestSupport.openFds();
        for (int i = 0; i < CYCLES / 4; i++) {
            assertThrows(ErrnoException.class, () -> ops.openForFlock(link, 0600));
            assertThrows(ErrnoException.class, () -> ops.openForFlock(fifo, 0600));
            assertThrows(ErrnoException.class, () -> ops.openForFlock(subdir, 0600));
            assertThrows(ErrnoException.class, () -> ops.createExclusive(file, 0600, new byte[1]));
            assertThrows(ErrnoException.class, () -> failingWrite.createExclusive(dir.resolve("w"), 0600, new byte[1]));
        }
        assertEquals(0, TestSupport.openFdsUnder(dir), "after " + CYCLES + " failed calls");
        assertNoMoreThan(before, "after " + CYCLES + " failed calls");
        assertTrue(Files.notExists(dir.resolve("w")), "failed create removed its file");
    }

    @Test
    void closeFromManyThreadsClosesOnce() throws Exception {
        warmUp();
        int before = TestSupport.openFds();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 100; round++) {
                FlockFile f = ops.openForFlock(dir.resolve("lock"), 0600);
                assertTrue(f.tryLockExclusive());
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> closers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    closers.add(pool.submit(() -> {
                        start.await();
                        f.close();
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> c : closers) {
                    c.get(); // no EBADF from a second close(2)
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, TestSupport.openFdsUnder(dir));
        assertNoMoreThan(before, "after concurrent closes");
    }

    @Test
    void aSecondCloseDoesNotCloseTheDescriptorNumberReusedByAnotherFile() throws Exception {
        FlockFile first = ops.openForFlock(dir.resolve("a"), 0600);
        int fd = ((JnaFlockFile) first).fd();
        first.close();
        try (FlockFile second = ops.openForFlock(dir.resolve("b"), 0600)) {
            assumeTrue(fd == ((JnaFlockFile) second).fd(), "the kernel handed out the same number again");
            first.close();
            assertTrue(second.tryLockExclusive(), "the reused descriptor is still open");
            assertEquals(1, second.fstat().nlink());
            assertEquals(1, TestSupport.run("flock", "-n", dir.resolve("b").toString(), "true"));
        }
    }
}
