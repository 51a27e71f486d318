package io.github.astlock.bench;

import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.tck.ChildJvm;
import io.github.astlock.tck.TckChild;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The program the harness runs in child JVMs.
 *
 * <pre>
 * BenchChild count   BACKEND MODE DIR COUNTER N   READY, waits for a line, N locked increments, DONE
 * BenchChild scale   BACKEND MODE ROOT N          locks N folders and holds them all:
 *                                                 SCALE first last heap-per-lock block descriptors-per-lock
 * BenchChild fdlimit BACKEND ROOT N               FLOCK on up to N folders until an error: FDLIMIT ...
 * </pre>
 */
public final class BenchChild {
    private BenchChild() {
    }

    /**
     * Main.
     *
     * @param args see the class description
     * @throws Exception on failures (the JVM then exits with status 1)
     */
    public static void main(String[] args) throws Exception {
        String backend = args[1];
        switch (args[0]) {
            case "count" -> count(backend, LockMode.valueOf(args[2]), Path.of(args[3]), Path.of(args[4]),
                    Integer.parseInt(args[5]));
            case "scale" -> scale(backend, LockMode.valueOf(args[2]), Path.of(args[3]), Integer.parseInt(args[4]));
            case "fdlimit" -> descriptorLimit(backend, Path.of(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
        System.exit(0);
    }

    /**
     * The command line that runs this program in a child JVM on this JVM's java and class path.
     *
     * @param prefix words before the java executable (such as a shell that lowers a limit)
     * @param args   the program's arguments
     * @return the command line
     */
    static List<String> command(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the native backends are allowed their native calls, without a warning on newer JDKs
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-XX:+UseSerialGC", "-cp", ChildJvm.classPath(), BenchChild.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void count(String backend, LockMode mode, Path dir, Path counter, int n) throws Exception {
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).timeout(Duration.ofSeconds(60)).build(),
                backend);
        // Warm-up, outside the timed part: the same loop on a folder and counter of this process's
        // own, so that the contended run measures compiled code, as the C processes run.
        String own = dir.getFileName() + "-warm-" + ProcessHandle.current().pid();
        Path warmDir = Files.createDirectories(dir.resolveSibling(own));
        Path warmCounter = dir.resolveSibling(own + ".count");
        for (int i = 0; i < n; i++) {
            try (PathLock lock = locker.lock(warmDir)) {
                TckChild.increment(warmCounter);
            }
        }
        Files.delete(warmCounter);
        Files.deleteIfExists(warmDir.resolve(LockMode.FLOCK.lockFileName())); // kept by FLOCK mode by design
        Files.delete(warmDir);
        say("READY");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            PathLock lock = locker.lock(dir);
            try {
                TckChild.increment(counter);
            } finally {
                lock.close();
            }
        }
        say("DONE " + (System.nanoTime() - t0));
    }

    private static List<Path> folders(Path root, int n) throws Exception {
        List<Path> dirs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            dirs.add(Files.createDirectories(root.resolve(String.format("f%05d", i))));
        }
        return dirs;
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** The number of descriptors this process has open (Linux), or 0 when unknown. */
    private static long openDescriptors() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static void scale(String backend, LockMode mode, Path root, int n) throws Exception {
        List<Path> dirs = folders(root, n);
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).timeout(Duration.ofSeconds(5)).build(),
                backend);
        // warm up on a folder of its own, so the first thousand are not the JIT's
        Path warm = Files.createDirectories(root.resolve("warm-up"));
        for (int i = 0; i < 2000; i++) {
            locker.lock(warm).close();
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<PathLock> held = new ArrayList<>(n);
        long before = heapAfterGc(memory);
        long descriptors = openDescriptors();
        int block = Math.min(1000, n / 2);
        long first = 0;
        long last = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            held.add(locker.lock(dirs.get(i)));
            long t = System.nanoTime() - t0;
            if (i < block) {
                first += t;
            } else if (i >= n - block) {
                last += t;
            }
        }
        long after = heapAfterGc(memory);
        say("SCALE " + first + " " + last + " " + (after - before) / n + " " + block + " "
                + (openDescriptors() - descriptors) / (double) n);
        for (PathLock lock : held) {
            lock.close();
        }
    }

    private static void descriptorLimit(String backend, Path root, int n) throws Exception {
        List<Path> dirs = folders(root, n);
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK)
                .timeout(Duration.ofSeconds(5)).build(), backend);
        List<PathLock> held = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (Path d : dirs) {
                held.add(locker.lock(d));
            }
            say("FDLIMIT none " + held.size() + " " + (System.nanoTime() - t0) + " no error");
        } catch (LockException e) {
            say("FDLIMIT " + e.errno().map(io.github.astlock.spi.Errno::name).orElse("-") + " " + held.size() + " " + (System.nanoTime() - t0)
                    + " " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        for (PathLock lock : held) {
            lock.close();
        }
    }
}
