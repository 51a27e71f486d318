package io.github.astlock.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counts {@code /proc/self/fd} around many cycles, success and error paths alike. A leak of one
 * descriptor per cycle shows as hundreds; the small slack only absorbs descriptors the JVM
 * itself may open meanwhile (class files, JIT).
 */
class JnrDescriptorLeakTest {
    private static final int SLACK = 5;

    @TempDir
    Path dir;

    private final JnrFileOps ops = TestSupport.ops();

    private void cycle(int i, Path fifo, Path link, Path existing) throws Exception {
        Path lock = dir.resolve("lock");
        try (FlockFile f = ops.openForFlock(lock, 0600)) {
            assertTrue(f.tryLockExclusive());
            f.fstat();
        }
        Path temp = dir.resolve("t" + i);
        ops.createExclusive(temp, 0644, new byte[] {1, 2, 3});
        ops.unlink(temp);
        assertThrows(ErrnoException.class, () -> ops.createExclusive(existing, 0644, new byte[1]));
        assertThrows(ErrnoException.class, () -> ops.openForFlock(link, 0600));
        assertThrows(ErrnoException.class, () -> ops.openForFlock(fifo, 0600));
        assertThrows(ErrnoException.class, () -> ops.openForFlock(dir, 0600));
        assertThrows(ErrnoException.class, () -> ops.createExclusive(dir.resolve("no/x"), 0644, new byte[0]));
    }

    @Test
    void noDescriptorLeaksOverAThousandCycles() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, TestSupport.run(10, List.of("mkfifo", fifo.toString())).exit);
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("lock"));
        Path existing = Files.createFile(dir.resolve("existing"));
        for (int i = 0; i < 50; i++) {
            cycle(i, fifo, link, existing);
        }
        int before = TestSupport.openDescriptors();
        for (int i = 0; i < 1000; i++) {
            cycle(i, fifo, link, existing);
        }
        int after = TestSupport.openDescriptors();
        assertTrue(after - before <= SLACK, "descriptors before " + before + ", after " + after);
    }

    @Test
    void noDescriptorLeaksThroughPathLockerInEitherMode() throws Exception {
        PathLocker flock = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK).build(), "jnr");
        PathLocker lockfile = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE).build(), "jnr");
        Path f = Files.createDirectory(dir.resolve("flock"));
        Path l = Files.createDirectory(dir.resolve("lockfile"));
        for (int i = 0; i < 20; i++) {
            flock.lock(f).close();
            lockfile.lock(l).close();
        }
        int before = TestSupport.openDescriptors();
        for (int i = 0; i < 500; i++) {
            try (PathLock a = flock.lock(f); PathLock b = lockfile.lock(l)) {
                assertTrue(a.isValid() && b.isValid());
            }
        }
        int after = TestSupport.openDescriptors();
        assertTrue(after - before <= SLACK, "descriptors before " + before + ", after " + after);
    }

    @Test
    void concurrentClosesCloseExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            int before = TestSupport.openDescriptors();
            for (int i = 0; i < 200; i++) {
                FlockFile f = ops.openForFlock(dir.resolve("lock"), 0600);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Object>> closes = List.of(
                        pool.submit(() -> { go.await(); f.close(); return null; }),
                        pool.submit(() -> { go.await(); f.close(); return null; }),
                        pool.submit(() -> { go.await(); f.close(); return null; }));
                go.countDown();
                for (Future<Object> c : closes) {
                    c.get(); // a double close(2) would surface as EBADF here
                }
            }
            int after = TestSupport.openDescriptors();
            assertTrue(after - before <= SLACK, "descriptors before " + before + ", after " + after);
        } finally {
            pool.shutdownNow();
        }
    }
}
