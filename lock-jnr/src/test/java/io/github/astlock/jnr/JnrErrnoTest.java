package io.github.astlock.jnr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.FlockFile;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Each failure carries the real errno name, the operation and the path. */
class JnrErrnoTest {
    @TempDir
    Path dir;

    private final JnrFileOps ops = TestSupport.ops();

    private static ErrnoException assertErrno(String name, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(name, e.errno().name(), e.getMessage());
        assertTrue(e.errno().number() > 0, e.getMessage());
        return e;
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void eexist() throws Exception {
        Path f = Files.createFile(dir.resolve("f"));
        ErrnoException e = assertErrno("EEXIST", () -> ops.createExclusive(f, 0666, new byte[0]));
        assertEquals("open", e.operation());
        assertEquals(f, e.path());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("target"));
        assertErrno("EEXIST", () -> ops.createExclusive(dangling, 0666, new byte[0]));
        assertFalse(Files.exists(dir.resolve("target"), LinkOption.NOFOLLOW_LINKS), "symbolic link not followed");
    }

    @Test
    void enoent() throws Exception {
        assertErrno("ENOENT", () -> ops.createExclusive(dir.resolve("missing/x"), 0666, new byte[0]));
        assertErrno("ENOENT", () -> ops.openForFlock(dir.resolve("missing/lock"), 0600));
        ErrnoException u = assertErrno("ENOENT", () -> ops.unlink(dir.resolve("none")));
        assertEquals("unlink", u.operation());
        ErrnoException r = assertErrno("ENOENT", () -> ops.rename(dir.resolve("none"), dir.resolve("other")));
        assertEquals(dir.resolve("other"), r.otherPath());
        ErrnoException l = assertErrno("ENOENT", () -> ops.link(dir.resolve("none"), dir.resolve("other")));
        assertEquals("link", l.operation());
        assertEquals(dir.resolve("none"), l.path());
        assertEquals(dir.resolve("other"), l.otherPath());
        assertTrue(ops.lstat(dir.resolve("none")).isEmpty(), "ENOENT from lstat is 'absent'");
        assertTrue(ops.stat(dir.resolve("none")).isEmpty());
    }

    @Test
    void enotdir() throws Exception {
        Path f = Files.createFile(dir.resolve("f"));
        assertErrno("ENOTDIR", () -> ops.lstat(f.resolve("x")));
        assertErrno("ENOTDIR", () -> ops.stat(f.resolve("x")));
        assertErrno("ENOTDIR", () -> ops.createExclusive(f.resolve("x"), 0666, new byte[0]));
    }

    @Test
    void eloopWhenOpenForFlockMeetsASymbolicLink() throws Exception {
        Path target = Files.createFile(dir.resolve("target"));
        Path link = Files.createSymbolicLink(dir.resolve("lock"), target);
        ErrnoException e = assertErrno("ELOOP", () -> ops.openForFlock(link, 0600));
        assertEquals(link, e.path());
        Path dangling = Files.createSymbolicLink(dir.resolve("lock2"), dir.resolve("absent"));
        assertErrno("ELOOP", () -> ops.openForFlock(dangling, 0600));
        assertFalse(Files.exists(dir.resolve("absent"), LinkOption.NOFOLLOW_LINKS), "nothing created through the link");
    }

    @Test
    void enxioAtOnceWhenOpenForFlockMeetsAFifoWithoutReader() throws Exception {
        Path fifo = dir.resolve("lock");
        assertEquals(0, TestSupport.run(10, List.of("mkfifo", fifo.toString())).exit);
        assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> assertErrno("ENXIO", () -> ops.openForFlock(fifo, 0600)), "O_NONBLOCK: never hangs");
    }

    @Test
    void eisdir() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d"));
        assertErrno("EISDIR", () -> ops.unlink(d));
        assertErrno("EISDIR", () -> ops.openForFlock(d, 0600));
        assertTrue(Files.isDirectory(d));
    }

    @Test
    void enametoolong() throws Exception {
        Path longName = dir.resolve("n".repeat(300));
        assertErrno("ENAMETOOLONG", () -> ops.lstat(longName));
        assertErrno("ENAMETOOLONG", () -> ops.createExclusive(longName, 0666, new byte[0]));
        assertErrno("ENAMETOOLONG", () -> ops.openForFlock(longName, 0600));
    }

    @Test
    void linkIsFalseOnEexistWhateverTheEntryIs() throws Exception {
        Path temp = Files.createFile(dir.resolve("t"));
        Files.createDirectory(dir.resolve("d"));
        Files.createSymbolicLink(dir.resolve("s"), dir.resolve("nowhere"));
        Files.createFile(dir.resolve("f"));
        assertFalse(ops.link(temp, dir.resolve("d")));
        assertFalse(ops.link(temp, dir.resolve("s")), "a dangling symbolic link is EEXIST too");
        assertFalse(ops.link(temp, dir.resolve("f")));
        assertEquals(1, ops.lstat(temp).orElseThrow().nlink());
        assertTrue(ops.link(temp, dir.resolve("l")));
        assertEquals(2, ops.lstat(temp).orElseThrow().nlink());
        assertTrue(ops.lstat(dir.resolve("l")).orElseThrow().sameInode(ops.lstat(temp).orElseThrow()));
    }

    @Test
    void renameReplacesAndUnlinkRemovesOnlyTheName() throws Exception {
        Path a = Files.write(dir.resolve("a"), "A".getBytes());
        Path b = Files.write(dir.resolve("b"), "B".getBytes());
        ops.rename(a, b);
        assertEquals("A", Files.readString(b));
        assertEquals(List.of("b"), names());
        Path target = Files.createFile(dir.resolve("target"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        ops.unlink(link);
        assertTrue(Files.exists(target), "unlink of a symbolic link keeps its target");
    }

    @Test
    void createExclusiveWritesTheContent() throws Exception {
        byte[] content = new byte[200_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Path f = dir.resolve("owner");
        ops.createExclusive(f, 0644, content);
        assertArrayEquals(content, Files.readAllBytes(f));
        assertEquals(FileType.REGULAR, ops.lstat(f).orElseThrow().type());
    }

    @Test
    void pathWithNulIsRejectedWithEinvalBeforeAnyCall() throws Exception {
        Path real = dir.resolve("a");
        String withNul = real + "\0b";
        Path nul = (Path) Proxy.newProxyInstance(Path.class.getClassLoader(), new Class<?>[] {Path.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "toString": return withNul;
                        case "getFileSystem": return FileSystems.getDefault();
                        case "hashCode": return System.identityHashCode(proxy);
                        case "equals": return proxy == args[0];
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
        assertErrno("EINVAL", () -> ops.createExclusive(nul, 0666, new byte[0]));
        assertErrno("EINVAL", () -> ops.openForFlock(nul, 0600));
        assertErrno("EINVAL", () -> ops.lstat(nul));
        assertErrno("EINVAL", () -> ops.unlink(nul));
        assertErrno("EINVAL", () -> ops.link(real, nul));
        assertEquals(List.of(), names(), "C would have truncated at the NUL and created " + real);
    }

    @Test
    void pathOfAnotherFileSystemIsRejected() throws Exception {
        Path zip = dir.resolve("z.zip");
        try (FileSystem zipfs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
            Path inZip = zipfs.getPath(dir.resolve("x").toString());
            assertErrno("EINVAL", () -> ops.createExclusive(inZip, 0666, new byte[0]));
        }
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void flockFileCloseIsIdempotentAndLaterUseIsEbadf() throws Exception {
        Path lock = dir.resolve("lock");
        FlockFile f = ops.openForFlock(lock, 0600);
        assertTrue(f.tryLockExclusive());
        assertTrue(f.tryLockExclusive(), "re-locking through the same descriptor succeeds, as flock(2) does");
        f.close();
        f.close();
        assertErrno("EBADF", f::tryLockExclusive);
        assertErrno("EBADF", f::fstat);
        assertTrue(Files.exists(lock), "close never unlinks");
    }

    @Test
    void flockOnTheSameFileThroughTwoDescriptorsExcludes() throws Exception {
        Path lock = dir.resolve("lock");
        FlockFile a = ops.openForFlock(lock, 0600);
        try (FlockFile b = ops.openForFlock(lock, 0600)) {
            try {
                assertTrue(a.tryLockExclusive());
                assertFalse(b.tryLockExclusive(), "a second open file description gets EWOULDBLOCK -> false");
            } finally {
                a.close();
            }
            assertTrue(b.tryLockExclusive(), "closing the holder's descriptor released the lock");
        }
    }

    @Test
    void knownErrnoNumbersMapToTheSharedConstants() throws Exception {
        ErrnoException e = assertErrno("EEXIST",
                () -> ops.createExclusive(Files.createFile(dir.resolve("e")), 0666, new byte[0]));
        assertSame(io.github.astlock.spi.Errno.EEXIST, e.errno(), "known numbers map to the shared constants");
    }
}
