package io.github.astlock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockHolder;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FLOCK holder's pid comes from /proc/locks: a real flock(1) process holds a real file. */
class ProcLocksHolderTest {
    @TempDir
    Path dir;

    /** Only {@code lstat}, answered by java.nio with the real device and inode. */
    private static FileOps realLstat() {
        return (FileOps) Proxy.newProxyInstance(FileOps.class.getClassLoader(), new Class<?>[] {FileOps.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("lstat")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Path p = (Path) args[0];
                    if (!Files.exists(p)) {
                        return Optional.empty();
                    }
                    long dev = ((Number) Files.getAttribute(p, "unix:dev")).longValue();
                    long ino = ((Number) Files.getAttribute(p, "unix:ino")).longValue();
                    long now = System.currentTimeMillis() * 1_000_000L;
                    return Optional.of(new FileStat(dev, ino, 1, FileType.REGULAR, 0600, 0, 0, now, now));
                });
    }

    @Test
    void aTimeoutNamesTheFlockHolderFromProcLocks() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/locks")), "skipped: no /proc/locks here");
        Path lock = Files.createFile(dir.resolve("lock"));
        FileOps ops = realLstat();
        Process holder;
        try {
            // -o: the command does not inherit the descriptor, so only flock(1) itself holds the lock
            holder = new ProcessBuilder("flock", "-o", "-x", lock.toString(), "sleep", "600").start();
        } catch (java.io.IOException e) {
            Assumptions.abort("skipped: flock(1) is not installed: " + e.getMessage());
            return;
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (HolderDescription.flock(ops, lock).isEmpty() && holder.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            LockHolder h = HolderDescription.flock(ops, lock).orElseThrow(() ->
                    new AssertionError("/proc/locks shows no holder of " + lock));
            assertEquals(holder.pid(), h.pid().orElseThrow(), "the pid of flock(1), which took the lock");
            String text = HolderDescription.ofFlock(ops, lock);
            assertTrue(text.startsWith("held by pid " + holder.pid() + ", "), text);
        } finally {
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly();
            holder.waitFor();
        }
        String after = HolderDescription.ofFlock(ops, lock);
        assertTrue(after.contains("does not show"), after);
    }
}
