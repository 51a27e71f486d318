package io.github.astlock.jna;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.FileType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C library gives the same results and the same {@code errno} whether a call goes through
 * JNA's {@code Function} objects (the first calls) or through the direct mappings (after them).
 */
class JnaLibCTest {
    @TempDir
    Path dir;

    /** Runs every function once, successfully and failing, and describes what came back. */
    private List<String> exercise(LibC libc, String tag) throws Exception {
        LinuxAbi abi = LinuxAbi.forArch(System.getProperty("os.arch")).orElseThrow();
        List<String> seen = new ArrayList<>();
        String f = dir.resolve(tag + "-f").toString();
        int fd = libc.openat(LinuxAbi.AT_FDCWD, f, abi.createExclusiveFlags(), 0640);
        seen.add("open " + (fd >= 0));
        seen.add("open again " + libc.openat(LinuxAbi.AT_FDCWD, f, abi.createExclusiveFlags(), 0640) + " "
                + Errno.of(Native.getLastError()).name());
        byte[] data = "astlock-owner 1\npid=1\n".getBytes(StandardCharsets.UTF_8);
        seen.add("write " + libc.write(fd, data, data.length));
        seen.add("flock " + libc.flock(fd, LinuxAbi.LOCK_EX | LinuxAbi.LOCK_NB));
        seen.add("close " + libc.close(fd));
        seen.add("close again " + libc.close(fd) + " " + Errno.of(Native.getLastError()).name());
        int rfd = libc.openat(LinuxAbi.AT_FDCWD, f, abi.readFlags(), 0);
        byte[] back = new byte[64];
        long n = libc.read(rfd, back, back.length);
        seen.add("read " + n + " " + new String(back, 0, (int) Math.max(0, n), StandardCharsets.UTF_8));
        libc.close(rfd);
        String g = dir.resolve(tag + "-g").toString();
        seen.add("link " + libc.linkat(LinuxAbi.AT_FDCWD, f, LinuxAbi.AT_FDCWD, g, 0));
        seen.add("link again " + libc.linkat(LinuxAbi.AT_FDCWD, f, LinuxAbi.AT_FDCWD, g, 0) + " "
                + Errno.of(Native.getLastError()).name());
        byte[] buf = new byte[Statx.SIZE];
        seen.add("statx " + libc.statx(LinuxAbi.AT_FDCWD, g, LinuxAbi.AT_SYMLINK_NOFOLLOW, LinuxAbi.STATX_BASIC_STATS, buf));
        seen.add("type " + Statx.decode(buf).type() + " links " + Statx.decode(buf).nlink() + " size " + Statx.decode(buf).size());
        String h = dir.resolve(tag + "-h").toString();
        seen.add("rename " + libc.renameat(LinuxAbi.AT_FDCWD, g, LinuxAbi.AT_FDCWD, h));
        seen.add("rename missing " + libc.renameat(LinuxAbi.AT_FDCWD, g, LinuxAbi.AT_FDCWD, h) + " "
                + Errno.of(Native.getLastError()).name());
        seen.add("unlink " + libc.unlinkat(LinuxAbi.AT_FDCWD, h, 0));
        seen.add("unlink missing " + libc.unlinkat(LinuxAbi.AT_FDCWD, h, 0) + " " + Errno.of(Native.getLastError()).name());
        seen.add("statx missing " + libc.statx(LinuxAbi.AT_FDCWD, h, 0, LinuxAbi.STATX_BASIC_STATS, buf) + " "
                + Errno.of(Native.getLastError()).name());
        seen.add("statx dir " + libc.statx(LinuxAbi.AT_FDCWD, dir.toString(), 0, LinuxAbi.STATX_BASIC_STATS, buf) + " "
                + (Statx.decode(buf).type() == FileType.DIRECTORY));
        return seen;
    }

    @Test
    void functionObjectsAndDirectMappingsAgree() throws Exception {
        TestSupport.ops(); // the backend is usable here
        NativeLibrary c = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
        List<String> throughFunctions = exercise(new JnaLibC(c, Integer.MAX_VALUE), "functions");
        List<String> direct = exercise(new JnaLibC(c, 0), "direct");
        assertEquals(throughFunctions, direct);
        assertTrue(throughFunctions.contains("open again -1 EEXIST"), throughFunctions::toString);
        assertTrue(throughFunctions.contains("read 22 astlock-owner 1\npid=1\n"), throughFunctions::toString);
        assertTrue(throughFunctions.contains("type REGULAR links 2 size 22"), throughFunctions::toString);
        assertTrue(throughFunctions.contains("unlink missing -1 ENOENT"), throughFunctions::toString);
        assertTrue(throughFunctions.contains("statx dir 0 true"), throughFunctions::toString);
        assertArrayEquals(Files.readAllBytes(dir.resolve("functions-f")), Files.readAllBytes(dir.resolve("direct-f")));
    }

    @Test
    void switchesToDirectMappingsAfterTheFirstCalls() throws Exception {
        TestSupport.ops();
        JnaLibC libc = new JnaLibC(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME), 3);
        for (int i = 0; i < 10; i++) {
            assertEquals(-1, libc.close(-1));
            assertEquals(Errno.EBADF.number(), Native.getLastError());
        }
        assertTrue(JnaLibC.Direct.registered());
    }
}
