package io.github.astlock.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.BackendInfo;
import io.github.astlock.LockBackends;
import io.github.astlock.LockFailedException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nio backend on the real file system, in this process (cross-process tests are in the kit). */
class NioBackendTest {
    @TempDir
    Path dir;

    private final NioFileOps ops = new NioFileOps();

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void isDiscoveredAndChosenWhenAlone() {
        List<BackendInfo> found = LockBackends.list();
        assertEquals(List.of("nio"), found.stream().map(BackendInfo::id).collect(Collectors.toList()));
        assertEquals("nio", LockBackends.select().id());
        assertEquals("nio", PathLocker.create().backend().id());
    }

    @Test
    void explicitChoiceOfAMissingBackendNamesTheAvailableOnes() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LockBackends.select("jnr"));
        assertTrue(e.getMessage().contains("'jnr'") && e.getMessage().contains("nio"), e.getMessage());
    }

    @Test
    void lockfileOnDiskIsAsAsteriskMakesIt() throws Exception {
        PathLocker locker = PathLocker.create();
        try (PathLock lock = locker.lock(dir)) {
            assertEquals(List.of(".lock"), names());
            FileStat st = ops.lstat(dir.resolve(".lock")).orElseThrow();
            assertEquals(FileType.REGULAR, st.type());
            assertEquals(1, st.nlink(), "temporary name removed");
            assertTrue(Files.readString(dir.resolve(".lock")).startsWith("astlock-owner 1\n"), "owner record inside");
            assertEquals("nio", lock.backendId());
        }
        assertEquals(List.of(), names());
    }

    @Test
    void dotLockMadeByLnFromAShellMakesUsTimeOut() throws Exception {
        Path other = Files.createFile(dir.resolve(".lock-0badc0de"));
        Process ln = new ProcessBuilder("ln", other.toString(), dir.resolve(".lock").toString()).inheritIO().start();
        assertEquals(0, ln.waitFor());
        Files.delete(other);
        PathLocker locker = PathLocker.create(LockOptions.builder().timeout(Duration.ofMillis(700)).build());
        long t0 = System.nanoTime();
        assertThrows(LockTimeoutException.class, () -> locker.lock(dir));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // not before the configured 700 ms; the upper bound only guards against a hang
        assertTrue(ms >= 700, "gave up after " + ms + " ms, before the 700 ms timeout");
        assertTrue(ms < 15_000, "hang guard: timed out after " + ms + " ms");
        assertEquals(List.of(".lock"), names(), "the stranger's lock untouched, no temporary file left");
    }

    @Test
    void flockModeIsRefusedAtOnceNamingTheNativeBackends() {
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK).build());
        LockFailedException e = assertThrows(LockFailedException.class, () -> locker.lock(dir));
        assertEquals(LockFailedException.Reason.UNSUPPORTED_MODE, e.reason());
        assertTrue(e.getMessage().contains("fcntl") && e.getMessage().contains("lock-jna"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void linkReportsEexistAsFalseForEveryKindOfEntry() throws Exception {
        Path temp = Files.createFile(dir.resolve("t"));
        Files.createDirectory(dir.resolve("d"));
        Files.createSymbolicLink(dir.resolve("s"), dir.resolve("nowhere"));
        assertFalse(ops.link(temp, dir.resolve("d")));
        assertFalse(ops.link(temp, dir.resolve("s")), "a dangling symbolic link is EEXIST too");
        assertTrue(ops.link(temp, dir.resolve("l")));
        assertEquals(2, ops.lstat(temp).orElseThrow().nlink());
    }

    @Test
    void errorsCarryTheErrnoName() throws Exception {
        Path file = Files.createFile(dir.resolve("f"));
        assertEquals("EEXIST", assertThrows(ErrnoException.class,
                () -> ops.createExclusive(file, 0666, new byte[0])).errno().name());
        assertEquals("ENOTDIR", assertThrows(ErrnoException.class,
                () -> ops.createExclusive(file.resolve("x"), 0666, new byte[0])).errno().name());
        assertEquals("ENOENT", assertThrows(ErrnoException.class,
                () -> ops.createExclusive(dir.resolve("missing/x"), 0666, new byte[0])).errno().name());
        assertEquals("ENAMETOOLONG", assertThrows(ErrnoException.class,
                () -> ops.lstat(dir.resolve("n".repeat(300)))).errno().name());
        Files.createDirectory(dir.resolve("d"));
        assertEquals("EISDIR", assertThrows(ErrnoException.class, () -> ops.unlink(dir.resolve("d"))).errno().name());
        assertEquals("ENOENT", assertThrows(ErrnoException.class, () -> ops.unlink(dir.resolve("none"))).errno().name());
    }

    @Test
    void lstatDoesNotFollowAndStatDoes() throws Exception {
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertEquals(FileType.SYMLINK, ops.lstat(dir.resolve("dangling")).orElseThrow().type());
        assertTrue(ops.stat(dir.resolve("dangling")).isEmpty());
        assertTrue(ops.lstat(dir.resolve("absent")).isEmpty());
    }

    @Test
    void createExclusiveWritesContentAndAppliesTheUmask() throws Exception {
        Path f = dir.resolve("c");
        ops.createExclusive(f, 0666, "hello".getBytes());
        assertEquals("hello", Files.readString(f));
        int mode = ops.lstat(f).orElseThrow().mode();
        assertEquals(0, mode & ~0666, "no bits beyond those asked for");
        assertTrue((mode & 0600) == 0600);
    }
}
