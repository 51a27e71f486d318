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
import io.github.astlock.spi.FileOps;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every part of the kit shares: the backend under test, a fresh scratch directory per test,
 * and assertions about what is on disk and which descriptors are open. Backend authors extend
 * {@link LockBackendTck}, not this class.
 *
 * <p>Every test, set-up and clean-up is bounded by {@link TckEnvironment#testLimit()}: a test
 * still running then fails, naming the backend call it is blocked in.
 */
@ExtendWith(TckTimeout.class)
public abstract class TckSupport {
    private LockBackendProvider backend;
    private LockBackendProvider watched;

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
            LockBackendProvider b = createBackend();
            assertNotNull(b, "createBackend() of " + getClass().getName() + " returned null");
            // Load native code now, so descriptors a backend opens once for itself (a native
            // library, a probe) are not counted as leaks by the first test that measures.
            boolean usable;
            try {
                usable = b.availability().usable();
            } catch (Throwable e) {
                throw new AssertionError("SPI10: availability() of " + b.getClass().getName() + " threw " + e
                        + "; it must not throw. A backend that delegates must create its delegate directly, not "
                        + "look it up through discovery, which asks every backend's availability() again", e);
            }
            if (usable) {
                b.fileOps();
            }
            backend = b;
        }
        return backend;
    }

    /**
     * Returns the operations of the backend under test, watched: when a call blocks, the test's
     * failure names it.
     *
     * @return the backend's operations
     */
    protected final FileOps watchedOps() {
        return watchedBackend().fileOps();
    }

    private LockBackendProvider watchedBackend() {
        if (watched == null) {
            watched = Watchdog.watch(backend());
        }
        return watched;
    }

    /**
     * Names further system properties the backend needs in the child JVMs the kit starts. Each
     * one set in this JVM is passed on with its value; a name ending in {@code .*} passes every
     * property with that prefix. Properties starting with {@code astlock.} are always passed on.
     * Override it when the backend is configured by a system property (for example
     * {@code jna.library.path}), so the children run the backend exactly as the tests do.
     *
     * @return property names or {@code prefix.*} patterns; none by default
     */
    protected Set<String> childJvmSystemProperties() {
        return Set.of();
    }

    /**
     * Returns the rule id of the running test, such as {@code SPI08}, for messages.
     *
     * @return the rule id of the running test, or the test's name when it has none
     */
    protected static String rule() {
        String test = TckTimeout.currentTest();
        int i = test.indexOf('_');
        return i > 0 ? test.substring(0, i) : test;
    }

    /**
     * Formats permission bits the way {@code chmod} and {@code ls} speak of them.
     *
     * @param mode permission bits
     * @return the bits in octal with a leading zero, such as {@code 0644}
     */
    protected static String octal(int mode) {
        return String.format("0%03o", mode);
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
        return PathLocker.create(LockOptions.builder().mode(mode).timeout(timeout).build(), watchedBackend());
    }

    /**
     * Creates the scratch directory, world-searchable so an unprivileged probe can reach it.
     *
     * @throws IOException when it cannot be created
     */
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
     * Returns the number of open descriptors of this process, from {@code /proc/self/fd}. The
     * calling thread remembers what each one was, so {@link #assertNoDescriptorLeak} can name
     * the descriptors opened since.
     *
     * @return the number of open descriptors of this process, from {@code /proc/self/fd}
     */
    protected static int openDescriptors() {
        Map<Integer, String> now = descriptors();
        LAST_COUNT.set(now);
        return now.size();
    }

    private static final ThreadLocal<Map<Integer, String>> LAST_COUNT = new ThreadLocal<>();

    /** Each open descriptor of this process and what it refers to. */
    private static Map<Integer, String> descriptors() {
        Map<Integer, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    target = "?"; // closed meanwhile, or the listing's own descriptor
                }
                out.put(Integer.valueOf(p.getFileName().toString()), target);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc/self/fd: " + e, e);
        }
        return out;
    }

    /**
     * Asserts that no descriptor was leaked since {@code before} was counted. Other threads of
     * the test JVM (process pipes, class loading) may close descriptors meanwhile, so fewer is
     * fine; more is re-counted once after a pause before it counts as a leak. The message names
     * the descriptors opened since, with the files they refer to.
     *
     * @param before the count from {@link #openDescriptors()} before the operations
     * @param what   what was done in between, for the message (for example {@code "200 rounds of
     *               every primitive"})
     */
    protected static void assertNoDescriptorLeak(int before, String what) {
        Map<Integer, String> earlier = LAST_COUNT.get();
        Map<Integer, String> now = descriptors();
        if (now.size() > before) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now = descriptors();
        }
        if (now.size() <= before) {
            return;
        }
        Map<Integer, String> added = new TreeMap<>(now);
        if (earlier != null && earlier.size() == before) {
            earlier.forEach((fd, target) -> added.remove(fd, target));
        }
        throw new AssertionError(rule() + ": " + (now.size() - before) + " descriptor(s) leaked by " + what + ": " + before
                + " open before, " + now.size() + " after" + (earlier != null && earlier.size() == before
                ? "; opened since and still open: " + describe(added) : ""));
    }

    private static String describe(Map<Integer, String> fds) {
        return fds.entrySet().stream().map(e -> "fd " + e.getKey() + " -> " + e.getValue())
                .collect(Collectors.joining(", ", "[", "]"));
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
