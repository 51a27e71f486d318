package io.github.astlock.bench;

import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one uncontended lock + release of a folder, per backend and mode, on a folder in
 * {@code /dev/shm} (tmpfs) or, with {@code -p fs=disk}, under {@code java.io.tmpdir} (or
 * {@code -Dastlock.bench.diskDir=FOLDER}). The nio backend has no FLOCK (java.nio cannot call
 * {@code flock(2)}): run.sh leaves those combinations out, and a run that asks for one fails
 * at set-up with a message saying so.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UncontendedBenchmark {
    /** The backend's id. */
    @Param({"nio", "jna", "jnr"})
    public String backend;

    /** The mode's name. */
    @Param({"LOCKFILE", "FLOCK", "BOTH"})
    public String mode;

    /** {@code shm} for tmpfs, {@code disk} for the temporary folder's file system. */
    @Param({"shm"})
    public String fs;

    private Path root;
    private Path dir;
    private PathLocker locker;

    /** Creates an instance; JMH makes one per thread. */
    public UncontendedBenchmark() {
    }

    /**
     * Makes the folder and the locker.
     *
     * @throws IOException when the folder cannot be made
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        LockMode m = LockMode.valueOf(mode);
        if (!Harness.supports(backend, m)) {
            throw new IllegalStateException(backend + " has no " + m + " mode; leave this combination out with -p");
        }
        Path base = fs.equals("shm") ? Path.of("/dev/shm")
                : Path.of(System.getProperty("astlock.bench.diskDir", System.getProperty("java.io.tmpdir")));
        root = Files.createTempDirectory(base, "astlock-jmh-");
        dir = Files.createDirectories(root.resolve("INBOX"));
        locker = PathLocker.create(LockOptions.builder().mode(m).timeout(Duration.ofSeconds(5)).build(), backend);
    }

    /**
     * Removes the folder.
     *
     * @throws IOException when it cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * One lock and release.
     *
     * @return the lock, released (so JMH keeps the work)
     * @throws LockException when locking fails
     */
    @Benchmark
    public PathLock lockAndRelease() throws LockException {
        PathLock lock = locker.lock(dir);
        lock.close();
        return lock;
    }
}
