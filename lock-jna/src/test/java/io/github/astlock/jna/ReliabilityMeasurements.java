package io.github.astlock.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockOwner;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.tck.ChildJvm;
import io.github.astlock.tck.PeerProcess;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long reliability measurements, off by default (they take minutes): run with
 * {@code -Dastlock.measure=true -Dtest=ReliabilityMeasurements}. Sizes:
 * {@code astlock.measure.backups} (20), {@code astlock.measure.breakers} (50),
 * {@code astlock.measure.breakRounds} (1000), {@code astlock.measure.breakMinutes} (15, the
 * stale-break run stops after that long and reports how many rounds ran),
 * {@code astlock.measure.threads} (200),
 * {@code astlock.measure.folders} (10). Each prints one summary line.
 */
@EnabledIfSystemProperty(named = "astlock.measure", matches = "true")
class ReliabilityMeasurements {
    private static final Duration START = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private static int size(String name, int dflt) {
        return Integer.getInteger("astlock.measure." + name, dflt);
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    /**
     * The README's backup recipe (copy under the lock, lock files left out) in a loop, made
     * harder by also hard-linking the whole folder ({@code cp -al}, which the README forbids)
     * while a waiter in another JVM waits: the waiter must never get in while the backup holds.
     */
    @Test
    void backupRecipeWithAWaiterAdmitsNobody() throws Exception {
        int loops = size("backups", 20);
        Path folder = Files.createDirectory(tmp.resolve("INBOX"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(folder.resolve("msg000" + i + ".txt"), "message " + i);
        }
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE).build(), "jna");
        int phantoms = 0;
        for (int r = 0; r < loops; r++) {
            Path snap = Files.createDirectory(tmp.resolve("snap" + r));
            Path links = tmp.resolve("links" + r);
            try (PathLock backup = locker.lock(folder);
                 PeerProcess waiter = ChildJvm.start(JnaBackendTckTest.class, "try", LockMode.LOCKFILE, folder, "60000")) {
                Thread.sleep(300); // the waiter has made its temporary file and polls
                Files.createDirectory(snap.resolve("INBOX"));
                run("sh", "-c", "cd \"$0\" && find . -maxdepth 1 -type f ! -name '.lock*' ! -name lock "
                        + "-exec cp -p -t \"$1/INBOX/\" {} +", folder.toString(), snap.toString());
                run("cp", "-al", folder.toString(), links.toString());
                Thread.sleep(300);
                List<String> early = waiter.output();
                if (early.stream().anyMatch(l -> l.startsWith("LOCK SUCCESS"))) {
                    phantoms++;
                }
                backup.checkValid();
                backup.close();
                assertEquals("LOCK SUCCESS 0", waiter.awaitLine("LOCK", START), waiter.transcript());
                waiter.awaitLine("UNLOCK", START);
            }
            try (java.util.stream.Stream<Path> s = Files.list(snap.resolve("INBOX"))) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".lock")), "a lock file in the snapshot");
            }
        }
        System.out.println("MEASURE backup recipe: " + loops + " loops with a waiting JVM and cp -al: " + phantoms
                + " phantom entries");
        assertEquals(0, phantoms);
    }

    /**
     * Many JVMs race to break the same stale lock (a dead owner's record) round after round:
     * never two holders at once, and after all have released no lock is left (none resurrected).
     */
    @Test
    void staleBreakRoundsWithManyJvms() throws Exception {
        int jvms = size("breakers", 50);
        int rounds = size("breakRounds", 1000);
        Path folder = Files.createDirectory(tmp.resolve("INBOX"));
        long dead = deadPid();
        List<PeerProcess> peers = new ArrayList<>();
        int overlaps = 0;
        int resurrected = 0;
        int empty = 0;
        long started = System.nanoTime();
        try {
            for (int i = 0; i < jvms; i++) {
                peers.add(ChildJvm.start(JnaBackendTckTest.class, "race", LockMode.LOCKFILE, folder, "-"));
            }
            for (PeerProcess p : peers) {
                assertEquals("READY", p.awaitLine("READY", Duration.ofMinutes(10)), p.transcript());
            }
            long ready = System.nanoTime();
            System.out.println("MEASURE stale break: " + jvms + " JVMs ready after "
                    + (ready - started) / 1_000_000_000L + " s");
            long stopAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(size("breakMinutes", 15));
            for (int r = 0; r < rounds; r++) {
                if (System.nanoTime() > stopAt) {
                    System.out.println("MEASURE stale break: time limit reached after " + r + " of " + rounds + " rounds");
                    rounds = r;
                    break;
                }
                Files.write(folder.resolve(".lock"), new LockOwner(dead, 1, LockOwner.thisHost(), "dead-jvm",
                        "round" + r, Instant.now()).toBytes());
                peers.forEach(p -> p.send("go"));
                int held = 0;
                for (PeerProcess p : peers) {
                    String answer = p.awaitLine("", START);
                    held += answer.equals("HELD") ? 1 : 0;
                }
                overlaps += held > 1 ? 1 : 0;
                empty += held == 0 ? 1 : 0;
                peers.forEach(p -> p.send("release"));
                for (PeerProcess p : peers) {
                    assertEquals("NEXT", p.awaitLine("", START));
                }
                if (Files.exists(folder.resolve(".lock"), LinkOption.NOFOLLOW_LINKS)) {
                    resurrected++;
                    Files.delete(folder.resolve(".lock"));
                }
            }
            peers.forEach(p -> p.send("quit"));
        } finally {
            peers.forEach(PeerProcess::close);
        }
        System.out.println("MEASURE stale break: " + rounds + " rounds x " + jvms + " JVMs in "
                + (System.nanoTime() - started) / 1_000_000_000L + " s: " + overlaps + " overlaps, " + resurrected
                + " resurrected locks, " + empty + " rounds nobody broke");
        assertEquals(0, overlaps);
        assertEquals(0, resurrected);
    }

    /**
     * Many threads over a few folders, cancelled at random with {@code Future.cancel(true)} and
     * finally {@code shutdownNow()}: no {@code .lock} is left.
     */
    @Test
    void interruptedThreadsLeaveNoLock() throws Exception {
        int threads = size("threads", 200);
        int folders = size("folders", 10);
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < folders; i++) {
            dirs.add(Files.createDirectory(tmp.resolve("f" + i)));
        }
        AtomicInteger locked = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (LockMode mode : List.of(LockMode.LOCKFILE, LockMode.BOTH, LockMode.FLOCK)) {
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).timeout(Duration.ofSeconds(30)).build(),
                    "jna");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads * 5; t++) {
                Path d = dirs.get(t % folders);
                futures.add(pool.submit(() -> {
                    try (PathLock lock = locker.lock(d)) {
                        locked.incrementAndGet();
                        Thread.sleep(ThreadLocalRandom.current().nextInt(3));
                    } catch (InterruptedException | io.github.astlock.LockInterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (io.github.astlock.LockException e) {
                        failures.incrementAndGet();
                        errors.add(e.toString());
                    }
                    return null;
                }));
            }
            for (int i = 0; i < futures.size() / 3; i++) {
                futures.get(ThreadLocalRandom.current().nextInt(futures.size())).cancel(true);
                Thread.sleep(1);
            }
            Thread.sleep(200);
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(2, TimeUnit.MINUTES), "threads did not end");
            long left = dirs.stream().filter(d -> Files.exists(d.resolve(".lock"), LinkOption.NOFOLLOW_LINKS)).count();
            System.out.println("MEASURE interrupts " + mode + ": " + threads + " threads over " + folders + " folders, "
                    + locked.get() + " locks taken so far, " + failures.get() + " failures, " + left + " .lock left");
            assertEquals(0, left, mode + ": .lock left behind");
        }
        assertEquals(0, failures.get(), errors.toString());
        assertFalse(locked.get() == 0, "nothing was locked");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}
