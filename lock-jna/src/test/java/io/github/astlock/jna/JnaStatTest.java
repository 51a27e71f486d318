package io.github.astlock.jna;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** statx(2) decoded by the backend must agree with what java.nio reads through stat(2). */
class JnaStatTest {
    @TempDir
    Path dir;

    private final JnaFileOps ops = TestSupport.ops();

    private static Map<String, Object> nio(Path p, boolean follow) throws Exception {
        LinkOption[] options = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        return Files.readAttributes(p, "unix:dev,ino,nlink,mode,uid,size,lastModifiedTime,ctime", options);
    }

    private static void assertSameAsNio(Map<String, Object> a, FileStat st, FileType type) {
        int mode = (Integer) a.get("mode");
        assertEquals(type, st.type(), "type");
        assertEquals(FileType.ofMode(mode), st.type(), "type as java.nio sees it");
        assertEquals(a.get("dev"), st.dev(), "dev (unix:dev)");
        assertEquals(a.get("ino"), st.ino(), "ino (unix:ino)");
        assertEquals(((Number) a.get("nlink")).longValue(), st.nlink(), "nlink (unix:nlink)");
        assertEquals(mode & 07777, st.mode(), "permission bits (unix:mode)");
        assertEquals(a.get("uid"), st.uid(), "uid");
        if (type != FileType.DIRECTORY) {
            assertEquals(a.get("size"), st.size(), "size");
        }
        assertEquals(((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), st.mtimeNanos(), "mtime");
        assertEquals(((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), st.ctimeNanos(), "ctime");
    }

    @Test
    void regularFileWithTwoLinksMatchesJavaNio() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "12345");
        Files.createLink(dir.resolve("g"), f);
        // an mtime with nanoseconds, far from the ctime (which setting it updates to now)
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2001-02-03T04:05:06.123456789Z")));
        FileStat st = ops.lstat(f).orElseThrow();
        assertSameAsNio(nio(f, false), st, FileType.REGULAR);
        assertEquals(2, st.nlink());
        assertEquals(5, st.size());
        assertEquals(981173106123456789L, st.mtimeNanos());
        assertTrue(st.ctimeNanos() > st.mtimeNanos());
        assertEquals(st, ops.stat(f).orElseThrow(), "stat and lstat agree on a regular file");
    }

    @Test
    void directoryMatchesJavaNio() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d"));
        Files.createDirectory(d.resolve("sub"));
        FileStat st = ops.lstat(d).orElseThrow();
        assertSameAsNio(nio(d, false), st, FileType.DIRECTORY);
        assertEquals(3, st.nlink(), "., .. of sub and its own name");
    }

    @Test
    void symbolicLinkIsNotFollowedByLstatButByStat() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        FileStat l = ops.lstat(link).orElseThrow();
        FileStat s = ops.stat(link).orElseThrow();
        assertSameAsNio(nio(link, false), l, FileType.SYMLINK);
        assertSameAsNio(nio(link, true), s, FileType.REGULAR);
        assertNotEquals(l.ino(), s.ino());
        assertEquals(ops.lstat(target).orElseThrow().ino(), s.ino());
    }

    @Test
    void danglingSymbolicLinkAndAbsentNames() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertEquals(FileType.SYMLINK, ops.lstat(link).orElseThrow().type());
        assertTrue(ops.stat(link).isEmpty(), "stat of a dangling link is ENOENT, hence empty");
        assertTrue(ops.lstat(dir.resolve("absent")).isEmpty());
    }

    @Test
    void fifoMatchesJavaNio() throws Exception {
        Path fifo = TestSupport.mkfifo(dir.resolve("fifo"));
        assertSameAsNio(nio(fifo, false), ops.lstat(fifo).orElseThrow(), FileType.FIFO);
    }

    @Test
    void fstatOfTheFlockDescriptorIsTheNamedInode() throws Exception {
        Path lock = dir.resolve("lock");
        try (FlockFile f = ops.openForFlock(lock, 0640)) {
            FileStat viaFd = f.fstat();
            assertEquals(ops.lstat(lock).orElseThrow(), viaFd);
            assertSameAsNio(nio(lock, false), viaFd, FileType.REGULAR);
            Files.delete(lock);
            assertEquals(0, f.fstat().nlink(), "fstat sees the unlinked inode, not the name");
        }
    }

    @Test
    void makedevEncodesAsGlibc() {
        // expected values computed with glibc's gnu_dev_makedev()
        assertEquals(0x801L, Statx.makedev(8, 1));
        assertEquals(0x10303L, Statx.makedev(259, 3));
        assertEquals(0x12300045L, Statx.makedev(0, 0x12345));
        assertEquals(0xffffffffL, Statx.makedev(0xfff, 0xfffff));
        assertEquals(0x123459abcde678f0L, Statx.makedev(0x12345678, 0x9abcdef0));
        assertEquals(-1L, Statx.makedev(-1, -1));
    }
}
