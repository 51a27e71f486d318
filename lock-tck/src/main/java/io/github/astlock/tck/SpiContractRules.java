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
 * Rules SPI01-SPI15: each primitive operation does exactly what its contract says, checked
 * against the real file system and against independent readers (java.nio, {@code flock(1)}).
 */
public abstract class SpiContractRules extends TckSupport {

    /** For subclasses. */
    protected SpiContractRules() {
    }

    private FileOps ops() {
        return watchedOps();
    }

    /**
     * Runs a call that must fail with an {@link ErrnoException} and returns the error's name.
     *
     * @param call the call, for the message, such as {@code "unlink(/x/sub)"}
     * @param body the call
     * @return the errno name
     */
    private static String errnoOf(String call, Executable body) {
        return errnoOf(call, "a POSIX error", body);
    }

    private static String errnoOf(String call, String expected, Executable body) {
        try {
            body.execute();
        } catch (ErrnoException e) {
            return e.errno().name();
        } catch (Throwable t) {
            throw new AssertionError(rule() + ": " + call + " must fail with " + expected
                    + " (an ErrnoException), but threw " + t, t);
        }
        throw new AssertionError(rule() + ": " + call + " must fail with " + expected + ", but it returned normally");
    }

    /**
     * Asserts that a call fails with one of the given errno names.
     *
     * @param call     the call, for the message
     * @param body     the call
     * @param expected the acceptable names, the first being the usual one
     */
    private static void assertErrno(String call, Executable body, String... expected) {
        String got = errnoOf(call, String.join(" or ", expected), body);
        if (!List.of(expected).contains(got)) {
            throw new AssertionError(rule() + ": " + call + " must fail with " + String.join(" or ", expected)
                    + ", but failed with " + got);
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(rule() + ": " + message);
        }
    }

    private static void same(Object expected, Object actual, String what) {
        if (!java.util.Objects.equals(expected, actual)) {
            throw new AssertionError(rule() + ": " + what + ": expected " + expected + ", was " + actual);
        }
    }

    private FileStat lstat(Path p) throws ErrnoException {
        return ops().lstat(p).orElseThrow(() -> new AssertionError(rule() + ": lstat(" + p
                + ") returned empty (no such file), but " + p.getFileName() + " exists"));
    }

    private FileStat stat(Path p) throws ErrnoException {
        return ops().stat(p).orElseThrow(() -> new AssertionError(rule() + ": stat(" + p
                + ") returned empty (no such file), but " + p.getFileName() + " exists"));
    }

    private static int umask() throws Exception {
        // a child inherits our umask, and the shell reports it
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor();
        return Integer.parseInt(out, 8);
    }

    private static Map<String, Object> unix(Path p, boolean follow) throws Exception {
        return follow ? Files.readAttributes(p, "unix:dev,ino,nlink,mode,size,ctime,lastModifiedTime")
                : Files.readAttributes(p, "unix:dev,ino,nlink,mode,size,ctime,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
    }

    /** Compares a stat with what java.nio sees, naming the call, the path and the field. */
    private static void assertSameAsNio(FileStat st, String call, Path p, boolean follow) throws Exception {
        Map<String, Object> a = unix(p, follow);
        String of = call + "(" + p + ")";
        same(((Long) a.get("dev")).longValue(), st.dev(), "dev of " + of + " (st_dev as java.nio sees it)");
        same(((Long) a.get("ino")).longValue(), st.ino(), "ino of " + of + " (st_ino as java.nio sees it)");
        same(((Number) a.get("nlink")).longValue(), st.nlink(), "nlink of " + of + " (link count)");
        same(FileType.ofMode((Integer) a.get("mode")), st.type(), "type of " + of);
        same(octal(((Integer) a.get("mode")) & 07777), octal(st.mode()), "permission bits of " + of);
    }

    /** The number of the descriptor this process has open on a path, or -1. */
    private static int descriptorOf(Path p, java.util.Set<Integer> excluded) throws Exception {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                int n = Integer.parseInt(fd.getFileName().toString());
                try {
                    if (!excluded.contains(n) && Files.readSymbolicLink(fd).equals(p)) {
                        return n;
                    }
                } catch (java.io.IOException e) {
                    // closed meanwhile
                }
            }
        }
        return -1;
    }

    private static java.util.Set<Integer> descriptorsOn(Path p) throws Exception {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        for (int fd; (fd = descriptorOf(p, out)) >= 0; ) {
            out.add(fd);
        }
        return out;
    }

    /**
     * Runs one backend call on a helper thread and waits at most {@code limit} for it, so a call
     * that blocks fails the test with its name instead of hanging it.
     */
    private static <T> T bounded(String call, Duration limit, java.util.concurrent.Callable<T> body) throws Exception {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(body);
        Thread t = new Thread(task, "astlock-tck " + call);
        t.setDaemon(true);
        t.start();
        try {
            return task.get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw (Error) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            t.interrupt();
            throw new AssertionError(rule() + ": " + call + " blocked: no answer within " + limit.toMillis() + " ms");
        }
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
        same("owner", Files.readString(f), "content of " + f + " after createExclusive(" + f + ", 0666, \"owner\")");
        FileStat st = lstat(f);
        same(FileType.REGULAR, st.type(), "type of " + f + " after createExclusive");
        same(octal(0666 & ~umask()), octal(st.mode()), "permission bits of " + f + " after createExclusive with 0666 "
                + "and umask " + octal(umask()));
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
            assertErrno("createExclusive(" + p + ") on an existing " + kind(p) + " (O_CREAT|O_EXCL)",
                    () -> ops().createExclusive(p, 0666, new byte[] {'x'}), "EEXIST");
        }
        same("keep", Files.readString(file), "content of the existing " + file + " (must not be truncated or written)");
        check(!Files.exists(target, LinkOption.NOFOLLOW_LINKS), "createExclusive(" + link + ") followed the dangling "
                + "symbolic link and created its target " + target);
    }

    private static String kind(Path p) {
        return Files.isSymbolicLink(p) ? "symbolic link" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "directory"
                : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "regular file" : "special file";
    }

    /**
     * SPI02: link makes a second name of the same inode.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI02_linkMakesASecondName() throws Exception {
        Path a = Files.createFile(dir.resolve("a"));
        Path b = dir.resolve("b");
        check(ops().link(a, b), "link(" + a + ", " + b + ") returned false, but " + b + " did not exist");
        FileStat sa = lstat(a);
        FileStat sb = lstat(b);
        check(sa.sameInode(sb), "after link(" + a + ", " + b + ") both names must be one inode: " + sa.identity()
                + " and " + sb.identity());
        same(2L, sa.nlink(), "link count of " + a + " after link");
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
            check(!ops().link(a, p), "link onto existing " + kind(p) + ": link(" + a + ", " + p
                    + ") returned true; EEXIST must be reported as false");
        }
        same(1L, lstat(a).nlink(), "link count of " + a + " (nothing may have been linked)");
        check(!Files.exists(dir.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS),
                "link onto the dangling symbolic link " + dangling + " created its target");
    }

    /** SPI02: any other link error is an exception carrying the error, not {@code false}. */
    @Test
    public final void SPI02_linkReportsOtherErrorsAsThemselves() {
        Path missing = dir.resolve("missing");
        assertErrno("link(" + missing + ", ...) of a missing file", () -> ops().link(missing, dir.resolve("x")),
                "ENOENT");
        Path deep = dir.resolve("no/such/dir/x");
        assertErrno("link(" + dir + ", " + deep + ") into a missing directory", () -> ops().link(dir, deep), "ENOENT");
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
        check(!Files.exists(f, LinkOption.NOFOLLOW_LINKS), "unlink(" + f + ") returned but the file is still there");
        assertErrno("unlink(" + f + ") of an absent name", () -> ops().unlink(f), "ENOENT");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertErrno("unlink(" + sub + ") of a directory", () -> ops().unlink(sub), "EISDIR", "EPERM");
        check(Files.isDirectory(sub), "unlink(" + sub + ") removed a directory");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        ops().unlink(dangling);
        check(!Files.exists(dangling, LinkOption.NOFOLLOW_LINKS), "unlink(" + dangling
                + ") must remove the symbolic link itself");
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
        FileStat before = lstat(a);
        ops().rename(a, b);
        same("new", Files.readString(b), "content of " + b + " after rename(" + a + ", " + b + ")");
        check(!Files.exists(a), "rename(" + a + ", " + b + ") left the old name");
        FileStat after = lstat(b);
        check(before.sameInode(after), "rename must keep the inode: " + a + " was " + before.identity() + ", " + b
                + " is " + after.identity());
        assertErrno("rename(" + a + ", " + b + ") of a missing source", () -> ops().rename(a, b), "ENOENT");
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
            assertSameAsNio(lstat(p), "lstat", p, false);
            assertSameAsNio(stat(p), "stat", p, true);
        }
        same(FileType.SYMLINK, lstat(link).type(), "type of lstat(" + link + ") (must not follow the link)");
        same(FileType.REGULAR, stat(link).type(), "type of stat(" + link + ") (must follow the link)");
        same(5L, stat(file).size(), "size of stat(" + file + ")");
        long ctime = lstat(file).ctimeNanos();
        check(Math.abs(System.currentTimeMillis() - ctime / 1_000_000) < 60_000, "ctime of lstat(" + file
                + ") must be nanoseconds since the epoch, close to now: was " + ctime);
    }

    /**
     * SPI05: an absent name is empty, not an error; a dangling link is empty for stat only.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI05_absentNamesAreEmpty() throws Exception {
        Path absent = dir.resolve("absent");
        check(ops().lstat(absent).isEmpty(), "lstat(" + absent + ") of an absent name must be empty");
        check(ops().stat(absent).isEmpty(), "stat(" + absent + ") of an absent name must be empty");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        same(FileType.SYMLINK, lstat(dangling).type(), "type of lstat(" + dangling + ")");
        check(ops().stat(dangling).isEmpty(), "stat(" + dangling + ") of a dangling symbolic link must be empty");
    }

    /**
     * SPI06: failures carry the POSIX error name and the path.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI06_errorsCarryErrnoNameAndPath() throws Exception {
        Path file = Files.createFile(dir.resolve("file"));
        Path below = file.resolve("below");
        ErrnoException e;
        try {
            ops().lstat(below);
            throw new AssertionError(rule() + ": lstat(" + below + ") below a regular file must fail with ENOTDIR, "
                    + "but returned normally");
        } catch (ErrnoException x) {
            e = x;
        }
        same("ENOTDIR", e.errno().name(), "errno of lstat(" + below + ")");
        check(e.getMessage().contains(file.toString()), "the message of lstat's ENOTDIR must name the path " + file
                + ": " + e.getMessage());
        Path longName = dir.resolve("n".repeat(300));
        assertErrno("lstat of a 300-character name", () -> ops().lstat(longName), "ENAMETOOLONG");
        assertErrno("createExclusive of a 300-character name", () -> ops().createExclusive(longName, 0666, new byte[0]),
                "ENAMETOOLONG");
        Path deep = dir.resolve("no/x");
        assertErrno("createExclusive(" + deep + ") in a missing directory",
                () -> ops().createExclusive(deep, 0666, new byte[0]), "ENOENT");
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
            same(FileType.REGULAR, st.type(), "type of fstat after openForFlock(" + lock + ")");
            same(octal(0600 & ~umask()), octal(st.mode()), "permission bits of " + lock
                    + " after openForFlock with 0600");
            FileStat named = lstat(lock);
            check(st.sameInode(named), "fstat of the descriptor (" + st.identity() + ") must describe the file named "
                    + lock + " (" + named.identity() + ")");
            assertSameAsNio(st, "fstat of openForFlock", lock, false);
        }
        check(Files.isRegularFile(lock), "close of the FlockFile must not unlink " + lock);
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
        assertErrno("openForFlock(" + link + ") of a symbolic link (O_NOFOLLOW)", () -> ops().openForFlock(link, 0600),
                "ELOOP");
        check(!Files.exists(target, LinkOption.NOFOLLOW_LINKS), "openForFlock(" + link + ") created the link's target "
                + target);
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertErrno("openForFlock(" + sub + ") of a directory", () -> ops().openForFlock(sub, 0600), "EISDIR");
    }

    /**
     * SPI07: openForFlock on a FIFO without a reader fails at once instead of hanging.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI07_openForFlockDoesNotHangOnAFifo() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path fifo = mkfifo(dir.resolve("lock"));
        try {
            String errno = bounded("openForFlock(" + fifo + ") of a FIFO without a reader (O_NONBLOCK)",
                    Duration.ofSeconds(2), () -> errnoOf("openForFlock(" + fifo + ") of a FIFO without a reader",
                            () -> ops().openForFlock(fifo, 0600)));
            same("ENXIO", errno, "errno of openForFlock(" + fifo + ") of a FIFO without a reader");
        } finally {
            unblockFifo(fifo);
        }
    }

    private static Path mkfifo(Path fifo) throws Exception {
        int rc = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        if (rc != 0) {
            throw new AssertionError("mkfifo " + fifo + " failed with exit status " + rc);
        }
        return fifo;
    }

    /** Unblocks a hung open of a FIFO, if any, by opening it for reading and writing in another process. */
    private static void unblockFifo(Path fifo) throws Exception {
        new ProcessBuilder("sh", "-c", "exec 3<>'" + fifo + "'").start().waitFor();
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
                check(!f.tryLockExclusive(), "tryLockExclusive() on " + lock + " returned true while flock(1) holds the "
                        + "file: it must return false; fcntl(2) locks (FileChannel.lock) do not see flock(2) locks");
                holder.send("release");
                holder.awaitExit(Duration.ofSeconds(10));
                check(f.tryLockExclusive(), "tryLockExclusive() on " + lock + " returned false after flock(1) released "
                        + "it and ended");
                same(1, Peers.flockTry(lock), "exit status of 'flock -n " + lock + " true' while we hold it (1 = busy)");
            }
        }
        same(0, Peers.flockTry(lock), "exit status of 'flock -n " + lock + " true' after close (0 = free)");
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
            check(a.tryLockExclusive(), "tryLockExclusive() on a fresh " + lock + " returned false");
            check(!b.tryLockExclusive(), "tryLockExclusive() on a second descriptor of " + lock
                    + " returned true: a second open file description must not get the lock");
            a.close();
            check(b.tryLockExclusive(), "tryLockExclusive() on " + lock + " returned false once the first descriptor "
                    + "was closed");
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
        check(f.tryLockExclusive(), "tryLockExclusive() on a fresh " + lock + " returned false");
        f.close();
        f.close();
        check(Files.isRegularFile(lock), "close() unlinked " + lock);
        try (FlockFile g = ops().openForFlock(lock, 0600)) {
            check(g.tryLockExclusive(), "close() did not release the flock(2) lock on " + lock);
        }
    }

    /**
     * SPI13: lockExclusive, where offered, is a blocking flock(2): it waits while another
     * process holds the lock and returns holding it once that process lets go.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI13_lockExclusiveWaitsForAnotherProcessAndThenHolds() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path lock = dir.resolve("lock");
        try (FlockFile f = ops().openForFlock(lock, 0600)) {
            java.util.concurrent.CompletableFuture<Object> done = new java.util.concurrent.CompletableFuture<>();
            try (PeerProcess holder = Peers.flockHolder(lock)) {
                holder.awaitLine("LOCK SUCCESS", Duration.ofSeconds(10));
                Thread waiter = new Thread(() -> {
                    try {
                        f.lockExclusive();
                        done.complete("locked");
                    } catch (Throwable e) {
                        done.complete(e);
                    }
                }, "kit-lockExclusive");
                waiter.setDaemon(true);
                waiter.start();
                Object early;
                try {
                    early = done.get(300, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException stillWaiting) {
                    early = null;
                }
                if (early instanceof UnsupportedOperationException) {
                    org.junit.jupiter.api.Assumptions.abort("this backend does not offer the blocking flock(2) "
                            + "(lockExclusive throws UnsupportedOperationException); waiters poll instead");
                }
                check(early == null, "lockExclusive() on " + lock + " returned (" + early + ") while flock(1) in another "
                        + "process holds the file: it must wait in flock(fd, LOCK_EX)");
                holder.send("release");
                holder.awaitExit(Duration.ofSeconds(10));
                Object result = done.get(30, java.util.concurrent.TimeUnit.SECONDS);
                check("locked".equals(result), "lockExclusive() on " + lock + " failed after flock(1) released it: "
                        + result);
            }
            same(1, Peers.flockTry(lock), "exit status of 'flock -n " + lock + " true' while lockExclusive() holds it "
                    + "(1 = busy)");
        }
        same(0, Peers.flockTry(lock), "exit status of 'flock -n " + lock + " true' after close (0 = free)");
    }

    /**
     * The backend's own release watch on {@code folder}, or a skip naming SPI14 when the backend
     * has none (the library then uses the JDK's shared watch; see
     * {@link #SPI15_withoutAWatchOfItsOwnALockerStillTakesOverFromAsterisk}).
     */
    private io.github.astlock.spi.ReleaseWatch watch(Path folder) throws ErrnoException {
        java.util.Optional<io.github.astlock.spi.ReleaseWatch> w = ops().watchForRelease(folder);
        if (w.isEmpty()) {
            org.junit.jupiter.api.Assumptions.abort("this backend has no release watch of its own "
                    + "(watchForRelease returns empty); the library uses the JDK's shared watch, checked by SPI15");
        }
        return w.get();
    }

    /** Runs {@code await(nanos)} of a watch on a thread of its own; the future holds the result or the failure. */
    private static java.util.concurrent.CompletableFuture<Object> awaitOnThread(io.github.astlock.spi.ReleaseWatch w,
            Duration limit, java.util.concurrent.CountDownLatch started, java.util.concurrent.atomic.AtomicBoolean
            interruptedAfter, java.util.concurrent.atomic.AtomicReference<Thread> thread) {
        java.util.concurrent.CompletableFuture<Object> done = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                done.complete(w.await(limit.toNanos()));
            } catch (Throwable e) {
                done.complete(e);
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        }, "kit-release-watch");
        t.setDaemon(true);
        thread.set(t);
        t.start();
        return done;
    }

    /**
     * SPI14: a release watch wakes its waiting thread when the C reference releases, in each
     * declared single mode (LOCKFILE: Asterisk unlinks {@code .lock}; FLOCK: Asterisk unlinks
     * {@code lock} and closes it), and not before.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI14_watchWakesTheWaiterWhenAsteriskReleases() throws Exception {
        for (LockMode mode : List.of(LockMode.LOCKFILE, LockMode.FLOCK)) {
            if (!declares(mode)) {
                continue;
            }
            Path folder = Files.createDirectory(dir.resolve("wake-" + mode.asteriskName()));
            try (PeerProcess holder = Peers.asterisk(5, "hold", mode, folder);
                 io.github.astlock.spi.ReleaseWatch w = watch(folder)) {
                holder.awaitLine("LOCK SUCCESS", Duration.ofSeconds(30));
                java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.atomic.AtomicBoolean flag = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.CompletableFuture<Object> woke = awaitOnThread(w, Duration.ofSeconds(60), started,
                        flag, new java.util.concurrent.atomic.AtomicReference<>());
                check(started.await(30, java.util.concurrent.TimeUnit.SECONDS), "the waiting thread did not start");
                Object early;
                try {
                    early = woke.get(300, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException stillWaiting) {
                    early = null;
                }
                check(early == null, "await() on a watch of " + folder + " returned (" + early + ") while the C "
                        + "reference holds the " + mode + " lock and nothing changed in the folder");
                holder.send("");
                holder.awaitLine("UNLOCK", Duration.ofSeconds(30));
                Object result = woke.get(30, java.util.concurrent.TimeUnit.SECONDS);
                same(Boolean.TRUE, result, "await() of a watch of " + folder + " after the C reference released its "
                        + mode + " lock (true = woken by the release)");
            }
        }
    }

    /**
     * SPI14: a release kept since the watch was made wakes the next {@code await} at once: the
     * library makes the watch, tries the lock once more, and only then waits.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI14_releaseBeforeTheWaitIsNotLost() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("kept"));
        try (PeerProcess holder = Peers.asterisk(5, "hold", LockMode.LOCKFILE, folder)) {
            holder.awaitLine("LOCK SUCCESS", Duration.ofSeconds(30));
            try (io.github.astlock.spi.ReleaseWatch w = watch(folder)) {
                holder.send("");
                holder.awaitLine("UNLOCK", Duration.ofSeconds(30));
                check(!Files.exists(folder.resolve(".lock"), LinkOption.NOFOLLOW_LINKS), "the C reference left .lock");
                check(w.await(Duration.ofSeconds(30).toNanos()), "await() after the C reference removed .lock (since "
                        + "the watch was made) returned false: the release was lost");
                check(!w.await(Duration.ofMillis(50).toNanos()), "a second await() returned true although nothing "
                        + "changed since the first one woke");
            }
        }
    }

    /**
     * SPI14: other names do not wake the waiter: Asterisk's and our temporary files, voicemail
     * files, and opening and closing {@code lock} (which the FLOCK protocol does while it waits).
     * A wait that is not woken lasts at least as long as asked.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI14_otherNamesAndOpeningLockDoNotWake() throws Exception {
        Path lock = Files.writeString(dir.resolve("lock"), "");
        try (io.github.astlock.spi.ReleaseWatch w = watch(dir)) {
            for (String name : List.of(".lock-0123abcd", ".lock.Ab3_x-9Q", "msg0000.txt", "lockx", ".lockfile")) {
                Path p = Files.writeString(dir.resolve(name), "x");
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
                Files.move(p, dir.resolve(name + "-moved"));
                Files.delete(dir.resolve(name + "-moved"));
            }
            if (declares(LockMode.FLOCK)) {
                for (int i = 0; i < 3; i++) {
                    try (FlockFile f = ops().openForFlock(lock, 0600)) {
                        f.tryLockExclusive();
                    }
                }
            }
            long asked = Duration.ofMillis(200).toNanos();
            long t0 = System.nanoTime();
            boolean woke = w.await(asked);
            long took = System.nanoTime() - t0;
            check(!woke, "await() on " + dir + " was woken by files other than .lock and lock, or by opening and "
                    + "closing lock");
            check(took >= asked, "await(" + asked + " ns) returned after " + took + " ns: earlier than asked, "
                    + "without a release");
            check(!w.await(0), "await(0) must return false at once");
            Files.delete(lock);
            check(w.await(Duration.ofSeconds(30).toNanos()), "await() after " + lock + " was removed returned false");
        }
    }

    /**
     * SPI15: an interrupt ends a watch's wait at once, with {@link InterruptedException} and the
     * interrupt status cleared (as {@link Thread#sleep(long)} does); closing the watch then
     * leaves no descriptor open. A thread interrupted before it waits does not wait.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI15_interruptEndsTheWaitAndCloseLeavesNothingOpen() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("interrupt"));
        int before = openDescriptors();
        io.github.astlock.spi.ReleaseWatch w = watch(folder);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean flag = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicReference<Thread> thread = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CompletableFuture<Object> done = awaitOnThread(w, Duration.ofMinutes(10), started, flag,
                thread);
        check(started.await(30, java.util.concurrent.TimeUnit.SECONDS), "the waiting thread did not start");
        Thread.sleep(100); // let it block
        thread.get().interrupt();
        Object result = done.get(30, java.util.concurrent.TimeUnit.SECONDS);
        check(result instanceof InterruptedException, "await() of a watch of " + folder + " must end with "
                + "InterruptedException when its thread is interrupted, but gave " + result);
        thread.get().join(30_000);
        check(!flag.get(), "after InterruptedException from await() the thread's interrupt status must be clear");
        w.close();
        w.close();
        assertNoDescriptorLeak(before, "a release watch interrupted while waiting, then closed twice");

        io.github.astlock.spi.ReleaseWatch w2 = watch(folder);
        Thread.currentThread().interrupt();
        try {
            w2.await(Duration.ofMinutes(10).toNanos());
            throw new AssertionError(rule() + ": await() on an interrupted thread returned instead of throwing "
                    + "InterruptedException");
        } catch (InterruptedException expected) {
            check(!Thread.currentThread().isInterrupted(), "the interrupt status must be clear after "
                    + "InterruptedException from await()");
        } finally {
            Thread.interrupted();
            w2.close();
        }
        assertNoDescriptorLeak(before, "a release watch on an interrupted thread, then closed");
    }

    /**
     * SPI15: making a watch that fails (a missing folder: ENOENT; a file: ENOTDIR) throws an
     * {@link ErrnoException} and leaves nothing open, and many watches made and closed leave
     * nothing open either.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI15_failedWatchesAndClosedWatchesLeaveNothingOpen() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path missing = dir.resolve("missing");
        watch(dir).close();
        int before = openDescriptors();
        for (int i = 0; i < 100; i++) {
            try (io.github.astlock.spi.ReleaseWatch w = watch(dir)) {
                check(!w.await(1), "await(1 ns) on a quiet folder returned true");
            }
            assertErrno("watchForRelease(" + missing + ")", () -> ops().watchForRelease(missing), "ENOENT");
            assertErrno("watchForRelease(" + file + ")", () -> ops().watchForRelease(file), "ENOTDIR");
        }
        assertNoDescriptorLeak(before, "100 release watches made and closed, and 200 that failed");
    }

    /**
     * SPI15: a locker whose backend has no release watch of its own (the default of
     * {@code watchForRelease}) still takes the lock once the C reference releases it: the library
     * uses its shared watch then.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI15_withoutAWatchOfItsOwnALockerStillTakesOverFromAsterisk() throws Exception {
        LockBackendProviderWithoutWatch plain = new LockBackendProviderWithoutWatch(backend());
        io.github.astlock.PathLocker locker = io.github.astlock.PathLocker.create(io.github.astlock.LockOptions.builder()
                .mode(LockMode.LOCKFILE).timeout(Duration.ofSeconds(60)).build(), plain);
        try (PeerProcess holder = Peers.asterisk(5, "hold", LockMode.LOCKFILE, dir)) {
            holder.awaitLine("LOCK SUCCESS", Duration.ofSeconds(30));
            java.util.concurrent.CompletableFuture<Object> taken = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (io.github.astlock.PathLock l = locker.lock(dir)) {
                    return "held";
                } catch (Exception e) {
                    return e;
                }
            });
            Thread.sleep(300);
            check(!taken.isDone(), "the locker returned (" + (taken.isDone() ? taken.get() : "") + ") while the C "
                    + "reference holds .lock");
            holder.send("");
            holder.awaitLine("UNLOCK", Duration.ofSeconds(30));
            same("held", taken.get(60, java.util.concurrent.TimeUnit.SECONDS), "outcome of the lock after the C "
                    + "reference released .lock, with no release watch in the backend");
            check(plain.asked.get() > 0, "the library never asked the backend for a release watch");
        }
    }

    /** The backend under test with the default {@code watchForRelease}: empty. */
    private static final class LockBackendProviderWithoutWatch extends ForwardingBackend {
        final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        LockBackendProviderWithoutWatch(io.github.astlock.spi.LockBackendProvider delegate) {
            super(delegate);
        }

        @Override
        public java.util.Optional<io.github.astlock.spi.ReleaseWatch> watchForRelease(Path dir) {
            asked.incrementAndGet();
            return java.util.Optional.empty();
        }
    }

    /** SPI10: the provider's metadata is well-formed: id, priority, availability, modes. */
    @Test
    public final void SPI10_providerMetadataIsWellFormed() {
        String id = backend().id();
        check(id != null && id.matches("[a-z][a-z0-9-]*"), "id() must be lower case and stable: '" + id + "'");
        same(id, createBackend().id(), "id() of a second instance");
        check(backend().availability().usable(), "the kit runs only on a usable backend: availability() says "
                + backend().availability().reason());
        check(!backend().availability().reason().isBlank(), "availability() needs a reason text");
        check(backend().supportedModes().contains(LockMode.LOCKFILE),
                "every backend must support LOCKFILE, Asterisk's default; declared: " + backend().supportedModes());
        check(backend().priority() != Integer.MIN_VALUE, "priority() must not be Integer.MIN_VALUE, which discovery "
                + "uses for broken providers");
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
        check(cs != null, "no code source for " + type);
        Path location = Path.of(cs.getLocation().toURI());
        String services;
        if (Files.isDirectory(location)) {
            Path f = location.resolve("META-INF/services/" + service);
            check(Files.isRegularFile(f), "missing " + f + " listing " + type.getName());
            services = Files.readString(f);
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(location.toFile())) {
                java.util.jar.JarEntry e = jar.getJarEntry("META-INF/services/" + service);
                check(e != null, "missing META-INF/services/" + service + " in " + location);
                services = new String(jar.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        check(services.lines().map(l -> l.replaceAll("#.*", "").strip()).anyMatch(type.getName()::equals),
                "META-INF/services/" + service + " does not list " + type.getName() + ": " + services);
        java.util.Optional<java.lang.module.ModuleReference> ref = java.lang.module.ModuleFinder.of(location).findAll()
                .stream().findFirst();
        if (ref.isPresent() && !ref.get().descriptor().isAutomatic()) {
            check(ref.get().descriptor().provides().stream().anyMatch(p -> p.service().equals(service)
                    && p.providers().contains(type.getName())),
                    "module " + ref.get().descriptor().name() + " lacks 'provides " + service + " with " + type.getName() + "'");
        }
        List<io.github.astlock.BackendInfo> found = io.github.astlock.LockBackends.list();
        check(found.stream().anyMatch(b -> b.id().equals(backend().id()) && b.className().equals(type.getName())),
                "LockBackends.list() does not find '" + backend().id() + "' (" + type.getName() + "): " + found);
    }

    /**
     * SPI11: no operation, successful or failing, leaks a descriptor; the failing ones are tried on
     * a missing directory, an existing file, a FIFO, a symbolic link and a directory.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void SPI11_noDescriptorLeaks() throws Exception {
        Path f = dir.resolve("f");
        Path missing = dir.resolve("missing/x");
        Path fifo = mkfifo(dir.resolve("fifo"));
        Path symlink = Files.createSymbolicLink(dir.resolve("symlink"), f);
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.writeString(sub.resolve(".hidden"), "x");
        try {
            int before = openDescriptors();
            for (int i = 0; i < 100; i++) {
                ops().createExclusive(f, 0666, new byte[] {1});
                for (Path p : List.of(f, fifo, symlink, sub, missing)) {
                    errnoOf("createExclusive(" + p + ")", () -> ops().createExclusive(p, 0666, new byte[0]));
                }
                ops().link(f, dir.resolve("g"));
                ops().link(f, fifo);
                ops().link(f, sub);
                ops().lstat(f);
                ops().lstat(fifo);
                ops().stat(symlink);
                ops().stat(missing);
                ops().read(f, 16);
                for (Path p : List.of(symlink, sub, missing)) {
                    errnoOf("read(" + p + ")", () -> ops().read(p, 16));
                }
                ops().list(sub);
                for (Path p : List.of(f, missing)) {
                    errnoOf("list(" + p + ")", () -> ops().list(p));
                }
                errnoOf("unlink(" + sub + ")", () -> ops().unlink(sub));
                ops().unlink(dir.resolve("g"));
                if (declares(LockMode.FLOCK)) {
                    FlockFile fl = ops().openForFlock(dir.resolve("lock"), 0600);
                    fl.tryLockExclusive();
                    fl.fstat();
                    fl.close();
                    for (Path p : List.of(fifo, symlink, sub, missing)) {
                        errnoOf("openForFlock(" + p + ")", () -> ops().openForFlock(p, 0600));
                    }
                }
                ops().unlink(f);
            }
            assertNoDescriptorLeak(before, "100 rounds of every primitive, succeeding and failing (on a missing "
                    + "directory, an existing file, a FIFO, a symbolic link and a directory)");
        } finally {
            unblockFifo(fifo);
        }
    }

    // ------------------------------------------------------------------ OPS: primitives under real conditions

    /**
     * OPS01: several threads using the operations at once get exact answers, each about its own
     * files, and no spurious errors (no buffer shared between calls).
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void OPS01_concurrentCallsGiveExactResults() throws Exception {
        int threads = 4;
        int rounds = 200;
        List<Path> files = new java.util.ArrayList<>();
        List<Map<String, Object>> truth = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Path f = Files.write(dir.resolve("file-" + t), new byte[t * 7 + 1]);
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString(
                    List.of("rw-------", "rw-r-----", "rw-r--r--", "rwx------").get(t % 4)));
            Files.createSymbolicLink(dir.resolve("link-" + t), f);
            files.add(f);
            truth.add(unix(f, false));
        }
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ConcurrentLinkedQueue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> workers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int me = t;
            Thread w = new Thread(() -> {
                Path f = files.get(me);
                Path link = dir.resolve("link-" + me);
                Path absent = dir.resolve("absent-" + me);
                Path scratch = dir.resolve("scratch-" + me);
                long ino = (Long) truth.get(me).get("ino");
                long size = (Long) truth.get(me).get("size");
                int mode = ((Integer) truth.get(me).get("mode")) & 07777;
                try {
                    start.await();
                    for (int i = 0; i < rounds && wrong.size() < 5; i++) {
                        String[] calls3 = {"lstat(" + f + ")", "stat(" + link + ")", "lstat(" + link + ")"};
                        FileStat[] got = {ops().lstat(f).orElse(null), ops().stat(link).orElse(null),
                            ops().lstat(link).orElse(null)};
                        calls.addAndGet(3);
                        for (int k = 0; k < 2; k++) {
                            FileStat st = got[k];
                            if (st == null || st.ino() != ino || st.size() != size || st.mode() != mode
                                    || st.type() != FileType.REGULAR) {
                                wrong.add(calls3[k] + " on thread " + me + " of " + threads + ": expected ino " + ino
                                        + ", size " + size + ", mode " + octal(mode) + ", REGULAR; got "
                                        + (st == null ? "empty" : "ino " + st.ino() + ", size " + st.size() + ", mode "
                                        + octal(st.mode()) + ", " + st.type()));
                            }
                        }
                        if (got[2] == null || got[2].type() != FileType.SYMLINK) {
                            wrong.add(calls3[2] + " on thread " + me + ": expected a SYMLINK, got "
                                    + (got[2] == null ? "empty" : got[2].type() + " ino " + got[2].ino()));
                        }
                        if (ops().lstat(absent).isPresent()) {
                            wrong.add("lstat(" + absent + ") on thread " + me + ": expected empty for an absent name");
                        }
                        ops().createExclusive(scratch, 0600, new byte[me + 1]);
                        FileStat sc = ops().lstat(scratch).orElse(null);
                        if (sc == null || sc.size() != me + 1) {
                            wrong.add("lstat(" + scratch + ") on thread " + me + " right after createExclusive of "
                                    + (me + 1) + " bytes: got " + (sc == null ? "empty" : "size " + sc.size()));
                        }
                        ops().unlink(scratch);
                        calls.addAndGet(4);
                    }
                } catch (Exception | Error e) {
                    wrong.add("thread " + me + " of " + threads + ": " + e);
                }
            }, "astlock-tck OPS01 worker " + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TckEnvironment.testLimit().toMillis());
            check(!w.isAlive(), w.getName() + " did not finish; backend calls running: " + Watchdog.inProgress(TckTimeout.currentTest()));
        }
        check(wrong.isEmpty(), "FileOps used by " + threads + " threads at once gave wrong answers (state shared "
                + "between calls?) in " + calls.get() + " calls; first ones: " + List.copyOf(wrong));
    }

    /**
     * OPS02: a second {@code close()} of a FlockFile does nothing, even after the descriptor number
     * was re-used by another open file of this process.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void OPS02_secondCloseNeverClosesAReusedDescriptor() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path lock = dir.resolve("lock");
        Path other = Files.createFile(dir.resolve("other"));
        for (int attempt = 0; attempt < 20; attempt++) {
            java.util.Set<Integer> earlier = descriptorsOn(lock);
            FlockFile f = ops().openForFlock(lock, 0600);
            int fd = descriptorOf(lock, earlier);
            check(fd >= 0, "openForFlock(" + lock + ") returned, but no descriptor of this process refers to " + lock);
            f.close();
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(other,
                    java.nio.file.StandardOpenOption.WRITE)) {
                Path now;
                try {
                    now = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
                } catch (java.io.IOException e) {
                    continue; // the number was not re-used this time
                }
                if (!now.equals(other)) {
                    continue; // another thread took the number; try again
                }
                f.close();
                boolean stillOpen;
                try {
                    stillOpen = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).equals(other);
                } catch (java.io.IOException e) {
                    stillOpen = false;
                }
                check(stillOpen, "the second close() of the FlockFile of " + lock + " closed descriptor " + fd
                        + ", which this process had re-used meanwhile for " + other + ": a close must act once, "
                        + "and later ones must do nothing");
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {'x'}));
                return;
            }
        }
        throw new AssertionError(rule() + ": could not get the descriptor number of " + lock
                + " re-used in 20 attempts; other threads keep opening files");
    }

    /**
     * OPS03: {@code tryLockExclusive} answers at once while another process holds the lock: it
     * neither blocks nor retries inside.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void OPS03_tryLockAnswersPromptlyWhileAnotherProcessHolds() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path lock = dir.resolve("lock");
        // The fastest of five non-blocking calls stays far below this even on a loaded machine;
        // a primitive that waits or retries for a few hundred milliseconds does not.
        Duration bound = Duration.ofMillis(Math.min(200, TckEnvironment.timeoutSlack().dividedBy(5).toMillis() + 1));
        Duration hang = TckEnvironment.timeout().plus(TckEnvironment.timeoutSlack()).multipliedBy(2);
        try (PeerProcess holder = Peers.flockHolder(lock)) {
            holder.awaitLine("LOCK SUCCESS", Duration.ofSeconds(10));
            try (FlockFile f = ops().openForFlock(lock, 0600)) {
                long fastest = Long.MAX_VALUE;
                for (int i = 0; i < 5; i++) {
                    long t0 = System.nanoTime();
                    boolean got = bounded("tryLockExclusive() on " + lock + " while flock(1) holds it (it must be "
                            + "flock(2) with LOCK_NB, which never waits)", hang, f::tryLockExclusive);
                    fastest = Math.min(fastest, System.nanoTime() - t0);
                    check(!got, "tryLockExclusive() on " + lock + " returned true while flock(1) holds the file");
                }
                long ms = fastest / 1_000_000;
                check(ms < bound.toMillis(), "tryLockExclusive() on " + lock + " while another process holds it took "
                        + ms + " ms even at its fastest of 5 calls; it must answer at once (the kit allows "
                        + bound.toMillis() + " ms: a fifth of " + TckEnvironment.TIMEOUT_SLACK_MS + ", at most 200 ms): retrying "
                        + "or waiting is the core's job, not the primitive's");
            } finally {
                holder.send("release");
            }
        }
    }

    /**
     * OPS04: ctime is the inode change time: a {@code chmod} changes it and leaves mtime alone,
     * and it equals what java.nio reads.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void OPS04_ctimeIsTheInodeChangeTime() throws Exception {
        Path f = Files.writeString(dir.resolve("file"), "x");
        FileStat before = lstat(f);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Map<String, Object> nio;
        do {
            Thread.sleep(20);
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString(
                    (System.nanoTime() & 1) == 0 ? "rw-------" : "rw-r-----"));
            nio = unix(f, false);
        } while (toNanos(nio.get("ctime")) == before.ctimeNanos() && System.nanoTime() < deadline);
        long nioCtime = toNanos(nio.get("ctime"));
        check(nioCtime != before.ctimeNanos(), "the file system did not change the ctime of " + f + " on chmod");
        for (String call : List.of("lstat", "stat")) {
            FileStat after = call.equals("lstat") ? lstat(f) : stat(f);
            same(before.mtimeNanos(), after.mtimeNanos(), "mtime of " + call + "(" + f + ") after chmod "
                    + "(chmod changes the inode, not the content)");
            same(nioCtime / 1000, after.ctimeNanos() / 1000, "ctime of " + call + "(" + f + ") after chmod, in "
                    + "microseconds since the epoch (st_ctim as java.nio reads it; mtime was " + after.mtimeNanos()
                    / 1000 + ")");
        }
        if (declares(LockMode.FLOCK)) {
            Path lock = dir.resolve("lock");
            try (FlockFile fl = ops().openForFlock(lock, 0600)) {
                long opened = fl.fstat().ctimeNanos();
                long nioLock;
                do {
                    Thread.sleep(20);
                    Files.setPosixFilePermissions(lock, java.nio.file.attribute.PosixFilePermissions.fromString(
                            (System.nanoTime() & 1) == 0 ? "rw-------" : "rw-r-----"));
                    nioLock = toNanos(unix(lock, false).get("ctime"));
                } while (nioLock == opened && System.nanoTime() < deadline);
                same(nioLock / 1000, fl.fstat().ctimeNanos() / 1000, "ctime of fstat of " + lock + " after chmod, "
                        + "in microseconds since the epoch");
            }
        }
    }

    private static FileStat fstat(FlockFile f, Path opened, String when) {
        try {
            return f.fstat();
        } catch (ErrnoException e) {
            throw new AssertionError(rule() + ": fstat of the descriptor opened on " + opened + " failed " + when + " with "
                    + e.errno().name() + "; the descriptor is still open, so fstat must ask it, not the path (" + e
                    .getMessage() + ")", e);
        }
    }

    private static long toNanos(Object fileTime) {
        return ((java.nio.file.attribute.FileTime) fileTime).to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * OPS05: {@code read} returns the first bytes of a regular file and never follows a symbolic
     * link; {@code list} returns every name, dot-files included, without {@code .} and {@code ..}.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void OPS05_readAndListContracts() throws Exception {
        Path owner = Files.writeString(dir.resolve(".lock"), "pid=1 host=x");
        same("pid=1 host=x", new String(ops().read(owner, 4096), StandardCharsets.US_ASCII), "bytes of read(" + owner
                + ", 4096)");
        same("pid=1", new String(ops().read(owner, 5), StandardCharsets.US_ASCII), "bytes of read(" + owner + ", 5)");
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "not the owner record");
        Path link = Files.createSymbolicLink(dir.resolve("link"), elsewhere);
        assertErrno("read(" + link + ") of a symbolic link (O_NOFOLLOW: the owner record is never read through a "
                + "link)", () -> ops().read(link, 4096), "ELOOP");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertErrno("read(" + sub + ") of a directory", () -> ops().read(sub, 4096), "EISDIR");
        Path absent = dir.resolve("absent");
        assertErrno("read(" + absent + ") of an absent name", () -> ops().read(absent, 4096), "ENOENT");

        Files.writeString(sub.resolve(".lock-0123abcd"), "");
        Files.writeString(sub.resolve(".hidden"), "");
        Files.writeString(sub.resolve("msg0000.txt"), "");
        Files.createDirectory(sub.resolve(".dir"));
        Files.createSymbolicLink(sub.resolve(".dangling"), sub.resolve("nowhere"));
        List<String> expected = List.of(".dangling", ".dir", ".hidden", ".lock-0123abcd", "msg0000.txt");
        List<String> got = new java.util.ArrayList<>(ops().list(sub));
        java.util.Collections.sort(got);
        same(expected, got, "names of list(" + sub + ") (every entry, dot-files included, without . and ..)");
        assertErrno("list(" + absent + ") of an absent directory", () -> ops().list(absent), "ENOENT");
        assertErrno("list(" + elsewhere + ") of a regular file", () -> ops().list(elsewhere), "ENOTDIR");
    }

    /**
     * OPS06: {@code fstat} describes the open descriptor, not whatever now carries its name.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void OPS06_fstatDescribesTheOpenFileNotThePath() throws Exception {
        assumeDeclared(LockMode.FLOCK);
        Path lock = dir.resolve("lock");
        try (FlockFile f = ops().openForFlock(lock, 0600)) {
            FileStat opened = f.fstat();
            Path moved = dir.resolve("moved");
            Files.move(lock, moved);
            FileStat afterMove = fstat(f, lock, "after the file was renamed to " + moved);
            check(afterMove.sameInode(opened), "fstat of the descriptor opened on " + lock + " after the file was "
                    + "renamed to " + moved + ": expected inode " + opened.identity() + ", was " + afterMove.identity()
                    + " (fstat must ask the descriptor, not the path)");
            Path stranger = Files.writeString(dir.resolve("stranger"), "another file");
            Files.move(stranger, lock);
            Files.delete(moved);
            FileStat afterReplace = fstat(f, lock, "after another file replaced its name and the old name was removed");
            FileStat named = lstat(lock);
            check(afterReplace.sameInode(opened) && !afterReplace.sameInode(named), "fstat of the descriptor opened "
                    + "on " + lock + " after another file replaced that name: expected the opened inode "
                    + opened.identity() + ", was " + afterReplace.identity() + " (the file named " + lock + " now is "
                    + named.identity() + ")");
            same(0L, afterReplace.nlink(), "link count in fstat of the descriptor whose file has no name left");
        }
    }
}
