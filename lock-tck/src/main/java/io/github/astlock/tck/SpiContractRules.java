package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.FlockFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Rules SPI01-SPI11: each primitive operation does exactly what its contract says, checked
 * against the real file system and against independent readers (java.nio, {@code flock(1)}).
 */
public abstract class SpiContractRules extends TckSupport {

    /** For subclasses. */
    protected SpiContractRules() {
    }

    private FileOps ops() {
        return backend().fileOps();
    }

    private static String errnoOf(Executable call) {
        return assertThrows(ErrnoException.class, call).errno().name();
    }

    private static int umask() throws Exception {
        // a child inherits our umask, and the shell reports it
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor();
        return Integer.parseInt(out, 8);
    }

    private static Map<String, Object> unix(Path p, boolean follow) throws Exception {
        return follow ? Files.readAttributes(p, "unix:dev,ino,nlink,mode")
                : Files.readAttributes(p, "unix:dev,ino,nlink,mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static void assertSameAsNio(FileStat st, Path p, boolean follow) throws Exception {
        Map<String, Object> a = unix(p, follow);
        assertEquals(((Long) a.get("dev")).longValue(), st.dev(), "dev of " + p);
        assertEquals(((Long) a.get("ino")).longValue(), st.ino(), "ino of " + p);
        assertEquals(((Number) a.get("nlink")).longValue(), st.nlink(), "nlink of " + p);
        assertEquals(FileType.ofMode((Integer) a.get("mode")), st.type(), "type of " + p);
        assertEquals(((Integer) a.get("mode")) & 07777, st.mode(), "permission bits of " + p);
    }

    /**
     * SPI01: an exclusive create makes a new regular file with the content, masked by the umask.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI01_createExclusiveMakesANewFileWithContentAndUmask() throws Exception {
        Path f = dir.resolve("created");
        ops().createExclusive(f, 0666, "owner".getBytes(StandardCharsets.US_ASCII));
        assertEquals("owner", Files.readString(f));
        FileStat st = ops().lstat(f).orElseThrow();
        assertEquals(FileType.REGULAR, st.type());
        assertEquals(0666 & ~umask(), st.mode(), "mode 0666 masked by the umask");
    }

    /**
     * SPI01: an exclusive create fails with EEXIST on every kind of existing entry, changing nothing.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI01_createExclusiveNeverTouchesAnExistingEntry() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "keep");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path target = dir.resolve("target-of-link");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        for (Path p : List.of(file, sub, link)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> ops().createExclusive(p, 0666, new byte[] {'x'}),
                    "createExclusive on the existing " + p.getFileName() + " must fail with EEXIST (O_CREAT|O_EXCL)");
            assertEquals("EEXIST", e.errno().name(), p.toString());
        }
        assertEquals("keep", Files.readString(file), "an existing file must not be truncated or written");
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "a dangling symbolic link must not be followed");
    }

    /**
     * SPI02: link makes a second name of the same inode.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI02_linkMakesASecondName() throws Exception {
        Path a = Files.createFile(dir.resolve("a"));
        assertTrue(ops().link(a, dir.resolve("b")));
        FileStat sa = ops().lstat(a).orElseThrow();
        FileStat sb = ops().lstat(dir.resolve("b")).orElseThrow();
        assertTrue(sa.sameInode(sb));
        assertEquals(2, sa.nlink());
    }

    /**
     * SPI02: link reports EEXIST as {@code false} for a file, directory, symlink and dangling symlink.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI02_linkReportsEveryExistingEntryAsFalse() throws Exception {
        Path a = Files.createFile(dir.resolve("a"));
        Path file = Files.createFile(dir.resolve("file"));
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        for (Path p : List.of(file, sub, link, dangling)) {
            assertFalse(ops().link(a, p), "link onto existing " + p);
        }
        assertEquals(1, ops().lstat(a).orElseThrow().nlink(), "nothing was linked");
        assertFalse(Files.exists(dir.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS));
    }

    /** SPI02: any other link error is an exception carrying the error, not {@code false}. */
    @Test
    public final void SPI02_linkReportsOtherErrorsAsThemselves() {
        assertEquals("ENOENT", errnoOf(() -> ops().link(dir.resolve("missing"), dir.resolve("x"))));
        assertEquals("ENOENT", errnoOf(() -> ops().link(dir, dir.resolve("no/such/dir/x"))));
    }

    /**
     * SPI03: unlink removes a name; absent names and directories are errors.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI03_unlinkRemovesANameButNeverADirectory() throws Exception {
        Path f = Files.createFile(dir.resolve("f"));
        ops().unlink(f);
        assertFalse(Files.exists(f, LinkOption.NOFOLLOW_LINKS));
        assertEquals("ENOENT", errnoOf(() -> ops().unlink(f)));
        Path sub = Files.createDirectory(dir.resolve("sub"));
        String e = errnoOf(() -> ops().unlink(sub));
        assertTrue(e.equals("EISDIR") || e.equals("EPERM"), "unlink of a directory: " + e);
        assertTrue(Files.isDirectory(sub), "the directory must remain");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        ops().unlink(dangling);
        assertFalse(Files.exists(dangling, LinkOption.NOFOLLOW_LINKS), "unlink removes the link itself");
    }

    /**
     * SPI04: rename replaces the target atomically and keeps the inode.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI04_renameReplacesAtomically() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "new");
        Path b = Files.writeString(dir.resolve("b"), "old");
        FileStat before = ops().lstat(a).orElseThrow();
        ops().rename(a, b);
        assertEquals("new", Files.readString(b));
        assertFalse(Files.exists(a));
        assertTrue(before.sameInode(ops().lstat(b).orElseThrow()));
        assertEquals("ENOENT", errnoOf(() -> ops().rename(a, b)));
    }

    /**
     * SPI05: lstat and stat agree with an independent reader, and only stat follows links.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI05_lstatAndStatAgreeWithAnIndependentReader() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "12345");
        Files.createLink(dir.resolve("file2"), file);
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        for (Path p : List.of(file, sub, link)) {
            assertSameAsNio(ops().lstat(p).orElseThrow(), p, false);
            assertSameAsNio(ops().stat(p).orElseThrow(), p, true);
        }
        assertEquals(FileType.SYMLINK, ops().lstat(link).orElseThrow().type());
        assertEquals(FileType.REGULAR, ops().stat(link).orElseThrow().type());
        assertEquals(5, ops().stat(file).orElseThrow().size());
        long ctime = ops().lstat(file).orElseThrow().ctimeNanos();
        assertTrue(Math.abs(System.currentTimeMillis() - ctime / 1_000_000) < 60_000, "ctime is recent: " + ctime);
    }

    /**
     * SPI05: an absent name is empty, not an error; a dangling link is empty for stat only.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI05_absentNamesAreEmpty() throws Exception {
        assertTrue(ops().lstat(dir.resolve("absent")).isEmpty());
        assertTrue(ops().stat(dir.resolve("absent")).isEmpty());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertEquals(FileType.SYMLINK, ops().lstat(dangling).orElseThrow().type());
        assertTrue(ops().stat(dangling).isEmpty());
    }

    /**
     * SPI06: failures carry the POSIX error name and the path.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI06_errorsCarryErrnoNameAndPath() throws Exception {
        Path file = Files.createFile(dir.resolve("file"));
        ErrnoException e = assertThrows(ErrnoException.class, () -> ops().lstat(file.resolve("below")));
        assertEquals("ENOTDIR", e.errno().name());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals("ENAMETOOLONG", errnoOf(() -> ops().lstat(dir.resolve("n".repeat(300)))));
        assertEquals("ENAMETOOLONG", errnoOf(() -> ops().createExclusive(dir.resolve("n".repeat(300)), 0666, new byte[0])));
        assertEquals("ENOENT", errnoOf(() -> ops().createExclusive(dir.resolve("no/x"), 0666, new byte[0])));
    }

    /**
     * SPI07: openForFlock creates a regular file with the given permissions and fstat matches lstat.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI07_openForFlockCreatesAndFstatMatches() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path lock = dir.resolve("lock");
        try (FlockFile f = ops().openForFlock(lock, 0600)) {
            FileStat st = f.fstat();
            assertEquals(FileType.REGULAR, st.type());
            assertEquals(0600 & ~umask(), st.mode());
            assertTrue(st.sameInode(ops().lstat(lock).orElseThrow()));
            assertSameAsNio(st, lock, false);
        }
        assertTrue(Files.isRegularFile(lock), "close must not unlink");
    }

    /**
     * SPI07: openForFlock never follows a symbolic link (ELOOP), and refuses a directory.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI07_openForFlockRefusesSymlinksAndDirectories() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path target = dir.resolve("target");
        Path link = Files.createSymbolicLink(dir.resolve("lock"), target);
        assertEquals("ELOOP", errnoOf(() -> ops().openForFlock(link, 0600)));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "the link's target must not be created");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertEquals("EISDIR", errnoOf(() -> ops().openForFlock(sub, 0600)));
    }

    /**
     * SPI07: openForFlock on a FIFO without a reader fails at once instead of hanging.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI07_openForFlockDoesNotHangOnAFifo() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path fifo = dir.resolve("lock");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try {
            String errno = assertTimeoutPreemptively(Duration.ofSeconds(2),
                    () -> errnoOf(() -> ops().openForFlock(fifo, 0600)), "open of a FIFO must not block");
            assertEquals("ENXIO", errno);
        } finally {
            // unblock a hung open, if any, by opening the FIFO for reading without blocking
            new ProcessBuilder("sh", "-c", "exec 3<>'" + fifo + "'").start().waitFor();
        }
    }

    /**
     * SPI08: tryLockExclusive is flock(2): excluded by, and excluding, another process's flock(1).
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI08_tryLockIsFlockAcrossProcesses() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path lock = dir.resolve("lock");
        try (PeerProcess holder = Peers.flockHolder(lock)) {
            holder.awaitLine("LOCK SUCCESS", Duration.ofSeconds(10));
            try (FlockFile f = ops().openForFlock(lock, 0600)) {
                assertFalse(f.tryLockExclusive(), "flock(1) holds the file: tryLockExclusive must return false; "
                        + "fcntl(2) locks (FileChannel.lock) do not see flock(2) locks");
                holder.send("release");
                holder.awaitExit(Duration.ofSeconds(10));
                assertTrue(f.tryLockExclusive(), "free after flock(1) released it");
                assertEquals(1, Peers.flockTry(lock), "while we hold it, 'flock -n' must fail");
            }
        }
        assertEquals(0, Peers.flockTry(lock), "after close, 'flock -n' must succeed");
    }

    /**
     * SPI08: two descriptors of one process exclude each other, as flock(2) does per open file description.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI08_twoDescriptorsOfOneProcessConflict() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path lock = dir.resolve("lock");
        try (FlockFile a = ops().openForFlock(lock, 0600); FlockFile b = ops().openForFlock(lock, 0600)) {
            assertTrue(a.tryLockExclusive());
            assertFalse(b.tryLockExclusive(), "a second open file description must not get the lock");
            a.close();
            assertTrue(b.tryLockExclusive(), "free once the first descriptor is closed");
        }
    }

    /**
     * SPI09: close releases the flock, keeps the file, and a second close does nothing.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI09_closeReleasesKeepsTheFileAndIsIdempotent() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path lock = dir.resolve("lock");
        FlockFile f = ops().openForFlock(lock, 0600);
        assertTrue(f.tryLockExclusive());
        f.close();
        f.close();
        assertTrue(Files.isRegularFile(lock));
        try (FlockFile g = ops().openForFlock(lock, 0600)) {
            assertTrue(g.tryLockExclusive(), "released by close");
        }
    }

    /** SPI10: the provider's metadata is well-formed: id, priority, availability, modes. */
    @Test
    public final void SPI10_providerMetadataIsWellFormed() {
        String id = backend().id();
        assertTrue(id.matches("[a-z][a-z0-9-]*"), "id must be lower case and stable: '" + id + "'");
        assertEquals(id, createBackend().id(), "id must be the same for every instance");
        assertTrue(backend().availability().usable(), "the kit runs only on a usable backend: "
                + backend().availability().reason());
        assertFalse(backend().availability().reason().isBlank(), "availability needs a reason text");
        assertTrue(backend().supportedModes().contains(LockMode.LOCKFILE),
                "every backend must support LOCKFILE, Asterisk's default; declared: " + backend().supportedModes());
        assertNotEquals(Integer.MIN_VALUE, backend().priority());
    }

    /**
     * SPI12: the provider is registered in META-INF/services and, for a named module, in module-info.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI12_providerIsRegisteredForDiscovery() throws Exception {
        Class<?> type = backend().getClass();
        String service = io.github.astlock.spi.LockBackendProvider.class.getName();
        java.security.CodeSource cs = type.getProtectionDomain().getCodeSource();
        org.junit.jupiter.api.Assertions.assertNotNull(cs, "no code source for " + type);
        Path location = Path.of(cs.getLocation().toURI());
        String services;
        if (Files.isDirectory(location)) {
            Path f = location.resolve("META-INF/services/" + service);
            assertTrue(Files.isRegularFile(f), "missing " + f);
            services = Files.readString(f);
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(location.toFile())) {
                java.util.jar.JarEntry e = jar.getJarEntry("META-INF/services/" + service);
                org.junit.jupiter.api.Assertions.assertNotNull(e, "missing META-INF/services/" + service + " in " + location);
                services = new String(jar.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        assertTrue(services.lines().map(l -> l.replaceAll("#.*", "").strip()).anyMatch(type.getName()::equals),
                "META-INF/services does not list " + type.getName() + ": " + services);
        java.util.Optional<java.lang.module.ModuleReference> ref = java.lang.module.ModuleFinder.of(location).findAll()
                .stream().findFirst();
        if (ref.isPresent() && !ref.get().descriptor().isAutomatic()) {
            assertTrue(ref.get().descriptor().provides().stream().anyMatch(p -> p.service().equals(service)
                    && p.providers().contains(type.getName())),
                    "module " + ref.get().descriptor().name() + " lacks 'provides " + service + " with " + type.getName() + "'");
        }
        assertTrue(io.github.astlock.LockBackends.list().stream().anyMatch(b -> b.id().equals(backend().id())
                && b.className().equals(type.getName())), "LockBackends.list() does not find '" + backend().id() + "'");
    }

    /**
     * SPI11: no operation, successful or failing, leaks a descriptor.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI11_noDescriptorLeaks() throws Exception {
        Path f = dir.resolve("f");
        Path missing = dir.resolve("missing/x");
        int before = openDescriptors();
        for (int i = 0; i < 200; i++) {
            ops().createExclusive(f, 0666, new byte[] {1});
            assertThrows(ErrnoException.class, () -> ops().createExclusive(f, 0666, new byte[0]));
            assertThrows(ErrnoException.class, () -> ops().createExclusive(missing, 0666, new byte[0]));
            ops().link(f, dir.resolve("g"));
            ops().lstat(f);
            ops().stat(missing);
            ops().unlink(dir.resolve("g"));
            ops().unlink(f);
            if (declares(LockMode.FLOCK)) {
                FlockFile fl = ops().openForFlock(dir.resolve("lock"), 0600);
                fl.tryLockExclusive();
                fl.fstat();
                fl.close();
                assertThrows(ErrnoException.class, () -> ops().openForFlock(missing, 0600));
            }
        }
        assertNoDescriptorLeak(before, "open descriptors before and after 200 rounds");
    }
}
