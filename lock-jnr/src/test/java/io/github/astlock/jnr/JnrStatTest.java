package io.github.astlock.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lstat, stat and fstat give the same values as java.nio's "unix" view (same kernel struct). */
class JnrStatTest {
    @TempDir
    Path dir;

    private final JnrFileOps ops = TestSupport.ops();

    /** Compares one of our stats with java.nio's view of the same name. */
    private static void assertSameAsNio(FileStat st, Path p, boolean follow, FileType expectedType) throws Exception {
        LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,nlink,mode,uid,size,lastModifiedTime,ctime", opts);
        String what = (follow ? "stat " : "lstat ") + p;
        assertEquals(expectedType, st.type(), what);
        assertEquals((Long) a.get("dev"), st.dev(), what + ": dev equals java.nio's unix:dev");
        assertEquals((Long) a.get("ino"), st.ino(), what + ": ino");
        assertEquals(((Number) a.get("nlink")).longValue(), st.nlink(), what + ": nlink");
        int mode = (Integer) a.get("mode");
        assertEquals(mode & 07777, st.mode(), what + ": permission bits");
        assertEquals(FileType.ofMode(mode), st.type(), what + ": type from S_IFMT");
        assertEquals((Integer) a.get("uid"), st.uid(), what + ": uid");
        assertEquals((Long) a.get("size"), st.size(), what + ": size");
        assertEquals(((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), st.mtimeNanos(), what + ": mtime");
        assertEquals(((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), st.ctimeNanos(), what + ": ctime");
    }

    @Test
    void regularFileWithTwoLinksMatchesNio() throws Exception {
        Path f = Files.write(dir.resolve("f"), "twelve bytes".getBytes());
        Files.createLink(dir.resolve("g"), f);
        // a timestamp with nanoseconds: only equal if the nsec fields of struct stat are used
        Files.setLastModifiedTime(f, FileTime.from(Instant.ofEpochSecond(1_600_000_000L, 123_456_789L)));
        FileStat st = ops.lstat(f).orElseThrow();
        assertSameAsNio(st, f, false, FileType.REGULAR);
        assertEquals(2, st.nlink());
        assertEquals(12, st.size());
        assertSameAsNio(ops.stat(f).orElseThrow(), f, true, FileType.REGULAR);
        long nioMtime = Files.getLastModifiedTime(f).to(TimeUnit.NANOSECONDS);
        if (nioMtime % 1_000_000_000L != 0) {
            assertNotEquals(0, st.mtimeNanos() % 1_000_000_000L, "sub-second part kept");
        }
    }

    @Test
    void directoryMatchesNio() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d"));
        Files.createDirectory(d.resolve("sub"));
        FileStat st = ops.lstat(d).orElseThrow();
        assertSameAsNio(st, d, false, FileType.DIRECTORY);
        assertEquals(3, st.nlink(), "., .. of sub, and its name");
        assertSameAsNio(ops.stat(d).orElseThrow(), d, true, FileType.DIRECTORY);
    }

    @Test
    void lstatDoesNotFollowASymbolicLinkAndStatDoes() throws Exception {
        Path target = Files.write(dir.resolve("target"), new byte[100]);
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        FileStat l = ops.lstat(link).orElseThrow();
        FileStat s = ops.stat(link).orElseThrow();
        assertSameAsNio(l, link, false, FileType.SYMLINK);
        assertSameAsNio(s, link, true, FileType.REGULAR);
        assertNotEquals(l.ino(), s.ino());
        assertEquals(target.toString().length(), l.size(), "a symbolic link's size is its target's length");
        assertEquals(ops.lstat(target).orElseThrow().ino(), s.ino());

        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertSameAsNio(ops.lstat(dangling).orElseThrow(), dangling, false, FileType.SYMLINK);
        assertTrue(ops.stat(dangling).isEmpty(), "stat of a dangling link is absent (ENOENT)");
    }

    @Test
    void fifoMatchesNio() throws Exception {
        Path fifo = dir.resolve("fifo");
        TestSupport.Result r = TestSupport.run(10, List.of("mkfifo", "-m", "0640", fifo.toString()));
        assertEquals(0, r.exit, r.toString());
        FileStat st = ops.lstat(fifo).orElseThrow();
        assertSameAsNio(st, fifo, false, FileType.FIFO);
        assertEquals(0640, st.mode());
    }

    @Test
    void fstatOfTheFlockDescriptorIsTheFile() throws Exception {
        Path lock = dir.resolve("lock");
        try (FlockFile f = ops.openForFlock(lock, 0600)) {
            FileStat byFd = f.fstat();
            FileStat byName = ops.lstat(lock).orElseThrow();
            assertSameAsNio(byFd, lock, false, FileType.REGULAR);
            assertTrue(byFd.sameInode(byName));
            assertEquals(1, byFd.nlink());
            Files.delete(lock);
            assertEquals(0, f.fstat().nlink(), "fstat sees the unlinked inode");
        }
    }

    @Test
    void permissionsAreMaskedByTheUmaskAsOpenDoes() throws Exception {
        Path f = dir.resolve("perm");
        ops.createExclusive(f, 0606, new byte[0]);
        int mode = ops.lstat(f).orElseThrow().mode();
        assertEquals(0, mode & ~0606, "no bits beyond those asked for: 0" + Integer.toOctalString(mode));
        assertEquals(0600, mode & 0700);
        Path g = dir.resolve("lockperm");
        ops.openForFlock(g, 0640).close();
        assertEquals(0, ops.lstat(g).orElseThrow().mode() & ~0640);
    }
}
