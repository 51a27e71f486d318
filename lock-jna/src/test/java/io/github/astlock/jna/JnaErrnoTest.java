package io.github.astlock.jna;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.FlockFile;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/** Each failure must carry the errno of the system call, by name, with the operation and path. */
class JnaErrnoTest {
    @TempDir
    Path dir;

    private final JnaFileOps ops = TestSupport.ops();

    private static ErrnoException fails(String errno, String op, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(errno, e.errno().name(), e::getMessage);
        assertEquals(op, e.operation(), e::getMessage);
        return e;
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void eexist() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "keep");
        ErrnoException e = fails("EEXIST", "open", () -> ops.createExclusive(f, 0666, "x".getBytes()));
        assertEquals(f, e.path());
        assertEquals(Errno.EEXIST.number(), e.errno().number());
        assertEquals("keep", Files.readString(f), "an existing file is neither truncated nor removed");
        Path dangling = Files.createSymbolicLink(dir.resolve("s"), dir.resolve("nowhere"));
        fails("EEXIST", "open", () -> ops.createExclusive(dangling, 0666, new byte[0]));
        assertFalse(Files.exists(dir.resolve("nowhere")), "O_EXCL never creates through a symbolic link");
        assertFalse(ops.link(f, dangling), "link reports EEXIST as false");
    }

    @Test
    void enoent() throws Exception {
        fails("ENOENT", "open", () -> ops.createExclusive(dir.resolve("missing/x"), 0666, new byte[0]));
        fails("ENOENT", "open", () -> ops.openForFlock(dir.resolve("missing/lock"), 0600));
        fails("ENOENT", "unlink", () -> ops.unlink(dir.resolve("none")));
        ErrnoException e = fails("ENOENT", "link", () -> ops.link(dir.resolve("none"), dir.resolve("new")));
        assertEquals(dir.resolve("new"), e.otherPath());
        fails("ENOENT", "rename", () -> ops.rename(dir.resolve("none"), dir.resolve("new")));
    }

    @Test
    void enotdir() throws Exception {
        Path f = Files.createFile(dir.resolve("f"));
        fails("ENOTDIR", "lstat", () -> ops.lstat(f.resolve("x")));
        fails("ENOTDIR", "stat", () -> ops.stat(f.resolve("x")));
        fails("ENOTDIR", "open", () -> ops.createExclusive(f.resolve("x"), 0666, new byte[0]));
    }

    @Test
    void eloopWhenTheFlockFileIsASymbolicLink() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "t");
        Path link = Files.createSymbolicLink(dir.resolve("lock"), target);
        fails("ELOOP", "open", () -> ops.openForFlock(link, 0600));
        Path dangling = Files.createSymbolicLink(dir.resolve("lock2"), dir.resolve("nowhere"));
        fails("ELOOP", "open", () -> ops.openForFlock(dangling, 0600));
        assertFalse(Files.exists(dir.resolve("nowhere")), "O_NOFOLLOW|O_CREAT must not create the link's target");
    }

    @Test
    void enxioAtOnceWhenTheFlockFileIsAFifoWithoutReader() throws Exception {
        Path fifo = TestSupport.mkfifo(dir.resolve("lock"));
        // Without O_NONBLOCK the open would hang; run it on another thread so the test cannot hang.
        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            try {
                ops.openForFlock(fifo, 0600).close();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Throwable t = result.get(5, TimeUnit.SECONDS);
        assertTrue(t instanceof ErrnoException, () -> "expected ENXIO, got " + t);
        assertEquals("ENXIO", ((ErrnoException) t).errno().name());
    }

    @Test
    void eisdirFromUnlinkOfADirectory() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d"));
        fails("EISDIR", "unlink", () -> ops.unlink(d));
        assertTrue(Files.isDirectory(d), "the directory is still there");
    }

    @Test
    void enametoolong() {
        Path longName = dir.resolve("n".repeat(300));
        fails("ENAMETOOLONG", "lstat", () -> ops.lstat(longName));
        fails("ENAMETOOLONG", "open", () -> ops.createExclusive(longName, 0666, new byte[0]));
        fails("ENAMETOOLONG", "open", () -> ops.openForFlock(longName, 0600));
    }

    @Test
    void ebadfAfterCloseWithoutTouchingTheDescriptorNumber() throws Exception {
        FlockFile f = ops.openForFlock(dir.resolve("lock"), 0600);
        f.close();
        f.close();
        fails("EBADF", "flock", f::tryLockExclusive);
        fails("EBADF", "fstat", f::fstat);
    }

    /** A path whose string contains NUL; the default file system refuses to create one. */
    private static Path pathWithNul(Path real) {
        String s = real.toString() + "\0tail";
        return (Path) Proxy.newProxyInstance(Path.class.getClassLoader(), new Class<?>[] {Path.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return s;
                    }
                    if (method.getName().equals("hashCode")) {
                        return s.hashCode();
                    }
                    if (method.getName().equals("equals")) {
                        return proxy == args[0];
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void nulInAPathIsEinvalBeforeAnyCall() throws Exception {
        Path cut = dir.resolve("cut");
        Path nul = pathWithNul(cut);
        fails("EINVAL", "open", () -> ops.createExclusive(nul, 0666, new byte[0]));
        fails("EINVAL", "open", () -> ops.openForFlock(nul, 0600));
        fails("EINVAL", "lstat", () -> ops.lstat(nul));
        fails("EINVAL", "stat", () -> ops.stat(nul));
        fails("EINVAL", "unlink", () -> ops.unlink(nul));
        fails("EINVAL", "link", () -> ops.link(dir, nul));
        fails("EINVAL", "rename", () -> ops.rename(nul, dir.resolve("x")));
        assertEquals(List.of(), names(), "C would have cut the string at the NUL and created " + cut);
    }

    /** The real library, with write(2) replaced. */
    private static LibC withWrite(WriteFn write) {
        return new DelegatingLibC() {
            @Override
            public long write(int fd, byte[] buf, long count) {
                return write.write(real, fd, buf, count);
            }
        };
    }

    interface WriteFn {
        long write(LibC real, int fd, byte[] buf, long count);
    }

    @Test
    void failedWriteRemovesTheFileClosesTheDescriptorAndReportsWrite() throws Exception {
        JnaFileOps failing = new JnaFileOps(withWrite((real, fd, buf, count) -> {
            real.write(fd, buf, 1);
            Native.setLastError(Errno.ENOSPC.number());
            return -1;
        }), ops.abi());
        Path f = dir.resolve("temp");
        ErrnoException e = fails("ENOSPC", "write", () -> failing.createExclusive(f, 0666, "owner".getBytes()));
        assertEquals(f, e.path());
        assertEquals(List.of(), names(), "the partly written file is removed");
        assertEquals(0, TestSupport.openFdsUnder(dir), "the descriptor is closed");
    }

    @Test
    void failedWriteDoesNotRemoveAFileThatReplacedOurs() throws Exception {
        Path f = dir.resolve("temp");
        JnaFileOps failing = new JnaFileOps(withWrite((real, fd, buf, count) -> {
            try {
                Files.delete(f);
                Files.writeString(f, "someone else's");
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
            Native.setLastError(Errno.EIO.number());
            return -1;
        }), ops.abi());
        fails("EIO", "write", () -> failing.createExclusive(f, 0666, "owner".getBytes()));
        assertEquals("someone else's", Files.readString(f));
    }

    @Test
    void shortWritesAndEintrAreResumed() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        JnaFileOps trickling = new JnaFileOps(withWrite((real, fd, buf, count) -> {
            if (calls.incrementAndGet() % 2 == 0) {
                Native.setLastError(Errno.EINTR.number());
                return -1;
            }
            return real.write(fd, buf, Math.min(count, 3));
        }), ops.abi());
        byte[] content = "a longer owner record\n".getBytes();
        Path f = dir.resolve("temp");
        trickling.createExclusive(f, 0666, content);
        assertArrayEquals(content, Files.readAllBytes(f));
        assertTrue(calls.get() > 10, "written in pieces: " + calls.get());
    }

    @Test
    void emptyContentWritesNothing() throws Exception {
        JnaFileOps noWrite = new JnaFileOps(withWrite((real, fd, buf, count) -> {
            throw new AssertionError("write(2) called for empty content");
        }), ops.abi());
        Path f = dir.resolve("empty");
        noWrite.createExclusive(f, 0600, new byte[0]);
        assertEquals(0, Files.size(f));
        assertEquals(FileType.REGULAR, ops.lstat(f).orElseThrow().type());
    }

    @Test
    void errnoIsPerThreadUnderConcurrency() throws Exception {
        Path file = Files.createFile(dir.resolve("f"));
        Path sub = Files.createDirectory(dir.resolve("d"));
        Path longName = dir.resolve("n".repeat(300));
        List<Executable> calls = List.of(
                () -> ops.lstat(file.resolve("x")),                  // ENOTDIR
                () -> ops.unlink(dir.resolve("absent")),             // ENOENT
                () -> ops.unlink(sub),                               // EISDIR
                () -> ops.lstat(longName),                           // ENAMETOOLONG
                () -> ops.createExclusive(file, 0600, new byte[0])); // EEXIST
        List<String> expected = List.of("ENOTDIR", "ENOENT", "EISDIR", "ENAMETOOLONG", "EEXIST");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < 10; t++) {
                int which = t % calls.size();
                workers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 2000; i++) {
                        ErrnoException e = assertThrows(ErrnoException.class, calls.get(which));
                        assertEquals(expected.get(which), e.errno().name());
                        assertDoesNotThrow(() -> assertFalse(ops.link(file, sub)), "EEXIST between, same thread");
                    }
                }, pool));
            }
            CompletableFuture.allOf(workers.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }
}
