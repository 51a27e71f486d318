package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.LockBackendProvider;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every part of the kit shares: the backend under test, a fresh scratch directory per test,
 * and assertions about what is on disk and which descriptors are open. Backend authors extend
 * {@link LockBackendTck}, not this class.
 */
public abstract class TckSupport {
    private LockBackendProvider backend;

    /** The scratch directory of the running test; removed afterwards. */
    protected Path dir;

    /** For subclasses. */
    protected TckSupport() {
    }

    /**
     * Makes a new instance of the backend under test. Called once per test and also in child
     * JVMs, so it must not depend on state set up by the test.
     *
     * @return a new backend instance
     */
    protected abstract LockBackendProvider createBackend();

    /**
     * Returns the backend of the running test (made by {@link #createBackend()} once per test).
     *
     * @return the backend of the running test (made by {@link #createBackend()} once per test)
     */
    protected final LockBackendProvider backend() {
        if (backend == null) {
            backend = createBackend();
            assertNotNull(backend, "createBackend() returned null");
            // Load native code now, so descriptors a backend opens once for itself (a native
            // library, a probe) are not counted as leaks by the first test that measures.
            if (backend.availability().usable()) {
                backend.fileOps();
            }
        }
        return backend;
    }

    /**
     * Declares.
     *
     * @param mode a mode
     * @return whether the backend declares it
     */
    protected final boolean declares(LockMode mode) {
        return backend().supportedModes().containsAll(mode.components());
    }

    /**
     * Returns every mode the backend can lock in, BOTH included when it declares both single modes.
     *
     * @return every mode the backend can lock in, BOTH included when it declares both single modes
     */
    protected final java.util.List<LockMode> declaredModes() {
        java.util.List<LockMode> modes = new java.util.ArrayList<>();
        for (LockMode m : LockMode.values()) {
            if (declares(m)) {
                modes.add(m);
            }
        }
        return modes;
    }

    /**
     * Skips the calling test unless the backend declares {@code mode}. Rule MODE01 checks that an
     * undeclared mode is refused clearly, so such a skip hides nothing.
     *
     * @param mode the mode the test needs
     */
    protected final void assumeDeclared(LockMode mode) {
        assumeTrue(declares(mode), "backend '" + backend().id() + "' does not declare " + mode
                + "; its refusal of " + mode + " is checked by MODE01");
    }

    /**
     * A locker on the backend under test.
     *
     * @param mode    the mode
     * @param timeout the timeout
     * @return the locker
     */
    protected final PathLocker locker(LockMode mode, Duration timeout) {
        return PathLocker.create(LockOptions.builder().mode(mode).timeout(timeout).build(), backend());
    }

    /** Creates the scratch directory, world-searchable so an unprivileged probe can reach it. */
    @BeforeEach
    final void createScratchDirectory() throws IOException {
        Path root = TckEnvironment.workDir().resolve("cases");
        Files.createDirectories(root);
        dir = Files.createTempDirectory(root, "case-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Empties the scratch directory but keeps it, so its inode number is not reused by a later
     * test of this JVM: a lock a failing test could not release stays confined to its own
     * directory instead of surfacing in an unrelated test. {@code mvn clean} removes them.
     */
    @AfterEach
    final void removeScratchDirectory() throws IOException {
        deleteTree(dir, true);
    }

    /**
     * Deletes a directory tree, making directories writable on the way (tests make read-only ones).
     *
     * @param root     the tree; nothing happens when it is {@code null} or absent
     * @param keepRoot whether to keep {@code root} itself, emptied
     * @throws IOException when something cannot be deleted
     */
    static void deleteTree(Path root, boolean keepRoot) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                if (!(keepRoot && d.equals(root))) {
                    Files.delete(d);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * The names in a directory.
     *
     * @param directory a directory
     * @return the names in it, sorted (hidden ones included)
     */
    protected static List<String> names(Path directory) {
        try (Stream<Path> s = Files.list(directory)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError("cannot list " + directory + ": " + e, e);
        }
    }

    /**
     * Returns the number of open descriptors of this process, from {@code /proc/self/fd}.
     *
     * @return the number of open descriptors of this process, from {@code /proc/self/fd}
     */
    protected static int openDescriptors() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new AssertionError("cannot count /proc/self/fd: " + e, e);
        }
    }

    /**
     * Asserts that no descriptor was leaked since {@code before} was counted. Other threads of
     * the test JVM (process pipes, class loading) may close descriptors meanwhile, so fewer is
     * fine; more is re-counted once after a pause before it counts as a leak.
     *
     * @param before  the count from {@link #openDescriptors()} before the operations
     * @param context what was done, for the message
     */
    protected static void assertNoDescriptorLeak(int before, String context) {
        int after = openDescriptors();
        if (after > before) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            after = openDescriptors();
        }
        assertTrue(after <= before, "descriptors leaked by " + context + ": " + before + " open before, " + after
                + " after");
    }

    /**
     * Asserts that a failure names the directory, the mode and, when given, the POSIX error.
     *
     * @param e         the failure
     * @param directory the directory
     * @param mode      the mode
     * @param errno     the expected error name, or {@code null}
     */
    protected static void assertDescribes(LockException e, Path directory, LockMode mode, String errno) {
        String m = e.getMessage();
        assertTrue(m.contains(directory.toString()), "message must name the directory " + directory + ": " + m);
        assertTrue(m.contains(mode.name()), "message must name the mode " + mode + ": " + m);
        assertEquals(directory, e.directory(), "directory()");
        assertEquals(mode, e.mode(), "mode()");
        if (errno != null) {
            assertEquals(errno, e.errno().map(x -> x.name()).orElse("(none)"), "errno() of: " + m);
            assertTrue(m.contains(errno), "message must name " + errno + ": " + m);
        }
    }

    /**
     * Milliseconds elapsed since a start time.
     *
     * @param start a {@link System#nanoTime()} value
     * @return milliseconds since then
     */
    protected static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
