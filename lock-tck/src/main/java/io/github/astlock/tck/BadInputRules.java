package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.astlock.AstLockPath;
import io.github.astlock.AstLockResult;
import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.LockPathException;
import io.github.astlock.PathLock;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rules BAD01-BAD06: bad input gives a typed error naming the path, the mode and the cause,
 * leaves nothing on disk and leaks no descriptor, in every declared mode.
 */
public abstract class BadInputRules extends ProtocolRules {

    /** For subclasses. */
    protected BadInputRules() {
    }

    /**
     * Runs {@code attempt} in every declared mode and checks the common promises.
     */
    private <T extends LockException> void assertRefused(Class<T> type, Path target, String errno, Path watched,
                                                           LockAttempt attempt) throws Exception {
        for (LockMode mode : declaredModes()) {
            List<String> before = names(watched);
            int fds = openDescriptors();
            T e = assertThrows(type, () -> attempt.run(mode), mode.toString());
            assertDescribes(e, target, mode, errno);
            assertEquals(before, names(watched), "nothing may be left on disk in " + mode);
            assertNoDescriptorLeak(fds, "the refused " + mode + " lock of " + target);
        }
    }

    @FunctionalInterface
    private interface LockAttempt {
        void run(LockMode mode) throws Exception;
    }

    /**
     * BAD01: a missing directory is a path error with ENOENT.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void BAD01_missingDirectory() throws Exception {
        Path missing = dir.resolve("missing");
        assertRefused(LockPathException.class, missing, "ENOENT", dir,
                mode -> locker(mode, Duration.ofSeconds(1)).lock(missing).close());
    }

    /**
     * BAD02: a regular file instead of a directory is a path error with ENOTDIR.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void BAD02_pathIsARegularFile() throws Exception {
        Path file = Files.createFile(dir.resolve("msg0000.txt"));
        assertRefused(LockPathException.class, file, "ENOTDIR", dir,
                mode -> locker(mode, Duration.ofSeconds(1)).lock(file).close());
    }

    /**
     * BAD03: a relative path is resolved against the working directory when locking.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void BAD03_relativePathIsResolved() throws Exception {
        Path cwd = Path.of("").toAbsolutePath();
        assumeTrue(dir.startsWith(cwd), "the scratch folder is not below the working directory " + cwd);
        Path relative = cwd.relativize(dir);
        assertTrue(!relative.isAbsolute());
        for (LockMode mode : declaredModes()) {
            try (PathLock lock = locker(mode, Duration.ZERO).lock(relative)) {
                assertEquals(dir, lock.directory(), "directory() is absolute");
                for (String name : mode.lockFileNames()) {
                    assertTrue(Files.exists(dir.resolve(name)), name);
                }
            }
        }
    }

    /**
     * BAD04: a path containing NUL never reaches the file system.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void BAD04_pathContainingNul() throws Exception {
        String bad = dir + "/x\0y";
        InvalidPathException e = assertThrows(InvalidPathException.class, () -> Path.of(bad));
        assertTrue(e.getMessage().contains("Nul") || e.getMessage().contains("NUL"), e.getMessage());
        AstLockPath facade = new AstLockPath(locker(LockMode.LOCKFILE, Duration.ZERO));
        int fds = openDescriptors();
        assertEquals(AstLockResult.FAILURE, facade.lockPath(bad));
        assertEquals(List.of(), names(dir));
        assertNoDescriptorLeak(fds, "lockPath of a path containing NUL");
    }

    /**
     * BAD05: a name longer than the file system allows is a path error with ENAMETOOLONG.
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void BAD05_nameTooLong() throws Exception {
        Path tooLong = dir.resolve("x".repeat(300));
        assertRefused(LockPathException.class, tooLong, "ENAMETOOLONG", dir,
                mode -> locker(mode, Duration.ofSeconds(1)).lock(tooLong).close());
    }

    /**
     * BAD06: a directory we may not write is a path error with EACCES (probed as an unprivileged user when run as root).
     *
     * @throws Exception when the check cannot be carried out
     */
    @Test
    public final void BAD06_directoryWithoutWritePermission() throws Exception {
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip());
        if (!root) {
            Path ro = Files.createDirectory(dir.resolve("read-only"));
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
            assertRefused(LockPathException.class, ro, "EACCES", ro,
                    mode -> locker(mode, Duration.ofSeconds(1)).lock(ro).close());
            return;
        }
        assumeTrue(Peers.runs("setpriv", "--version"),
                "running as root, and setpriv(1) is missing to probe as an unprivileged user; install util-linux");
        // Root may write anywhere, so the probe runs in a child JVM as 'nobody', with a class path
        // and a directory it can read but not write.
        Path probeRoot = Files.createTempDirectory("astlock-tck-probe");
        try {
            Files.setPosixFilePermissions(probeRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
            String cp = copyClassPath(probeRoot.resolve("cp"));
            Path target = Files.createDirectory(probeRoot.resolve("INBOX"));
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (LockMode mode : declaredModes()) {
                List<String> cmd = ChildJvm.command(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                        cp, getClass(), "try", mode, target, "1000");
                try (PeerProcess child = PeerProcess.start("unprivileged child " + mode, probeRoot, cmd)) {
                    String line = child.awaitLine("LOCK", TckEnvironment.processLimit());
                    assertTrue(line.startsWith("LOCK PATH_NOT_FOUND -2 LockPathException errno=EACCES "),
                            "expected a path error with EACCES: " + line + "; " + child.transcript());
                    assertTrue(line.contains(target.toString()) && line.contains(mode.name()), line);
                    assertEquals(2, child.awaitExit(Duration.ofSeconds(30)));
                }
                assertEquals(List.of(), names(target), "nothing left on disk");
            }
        } finally {
            deleteTree(probeRoot, false);
        }
    }

    private static String copyClassPath(Path into) throws IOException {
        Files.createDirectories(into);
        List<String> copied = new ArrayList<>();
        int i = 0;
        for (String entry : ChildJvm.classPath().split(java.io.File.pathSeparator)) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = into.resolve((i++) + "-" + src.getFileName());
            if (Files.isDirectory(src)) {
                Files.walkFileTree(src, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                        Files.createDirectories(dst.resolve(src.relativize(d).toString()));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                        Files.copy(f, dst.resolve(src.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } else {
                Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
            }
            copied.add(dst.toString());
        }
        try (var walk = Files.walk(into)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(java.io.File.pathSeparator, copied);
    }
}
