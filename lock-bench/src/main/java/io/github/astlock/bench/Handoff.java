package io.github.astlock.bench;

import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.tck.PeerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hand-over latency: from the moment a holder releases to the moment a waiting party holds the
 * lock. Across processes the C holder prints its release time (CLOCK_MONOTONIC, read just before
 * its unlock call) and the waiter reads the same clock once it holds the lock; {@link System#nanoTime()}
 * reads that clock on Linux. Holds last a random 2–10 ms, so a waiter that sleeps between attempts
 * is caught at every point of its sleep.
 */
final class Handoff {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final int MIN_HOLD_MS = 2;
    private static final int MAX_HOLD_MS = 10;
    /** Hand-overs are measured in this many interleaved blocks per kind. */
    private static final int BLOCKS = 5;

    private Handoff() {
    }

    /** The party that waits: starts waiting, then tells when it held the lock. */
    private interface Waiter extends AutoCloseable {
        void begin() throws Exception;

        long entered() throws Exception;

        @Override
        void close();
    }

    static void crossProcess(Harness h) throws Exception {
        for (LockMode mode : List.of(LockMode.LOCKFILE, LockMode.FLOCK)) {
            Path dir = h.folder("handoff-" + mode.asteriskName());
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).timeout(Duration.ofSeconds(30))
                    .build(), h.backend);
            List<Double> ours = new ArrayList<>();
            List<Double> c = new ArrayList<>();
            List<Double> kernel = new ArrayList<>();
            int perBlock = Math.max(1, h.size.handoffs() / BLOCKS);
            for (int b = 0; b < BLOCKS; b++) {
                measure(h, mode, dir, perBlock, javaWaiter(locker, dir), ours);
                measure(h, mode, dir, perBlock, cWaiter(h, mode.asteriskName(), dir), c);
                if (mode == LockMode.FLOCK) {
                    measure(h, mode, dir, perBlock, cWaiter(h, "flockwait", dir), kernel);
                }
            }
            double p50 = Stats.percentile(ours, 50);
            double p99 = Stats.percentile(ours, 99);
            double c50 = Stats.percentile(c, 50);
            double c99 = Stats.percentile(c, 99);
            String what = "hand-off C holder → " + h.backend + " waiter, " + mode + ", " + ours.size() + " hand-offs";
            h.add(Row.target(what + ", p50 (vs C → C)", Stats.time(p50), Stats.time(c50), Stats.ratio(p50, c50),
                    "≤ 0.5 ms", p50 <= 0.5e6));
            h.add(Row.target(what + ", p99 (vs C → C)", Stats.time(p99), Stats.time(c99), Stats.ratio(p99, c99),
                    "≤ 2 ms", p99 <= 2e6));
            if (!kernel.isEmpty()) {
                double k50 = Stats.percentile(kernel, 50);
                h.add(Row.info("hand-off C holder → blocking flock(2) waiter in C (kernel wake), p50 / p99", "–",
                        Stats.time(k50) + " / " + Stats.time(Stats.percentile(kernel, 99)), "–"));
            }
        }
    }

    private static void measure(Harness h, LockMode mode, Path dir, int rounds, Waiter waiter, List<Double> into)
            throws Exception {
        try (waiter; PeerProcess holder = h.c.start(30, "hold-handoff", mode.asteriskName(), dir.toString(),
                Integer.toString(rounds), Integer.toString(MIN_HOLD_MS), Integer.toString(MAX_HOLD_MS))) {
            for (int i = 0; i < rounds; i++) {
                holder.awaitLine("HELD ", LINE);
                waiter.begin();
                holder.send(""); // the holder now sleeps 2-10 ms, then releases
                long released = CPeer.field(holder.awaitLine("REL ", LINE), 1);
                into.add((double) (waiter.entered() - released));
                holder.send(""); // next round
            }
            holder.awaitLine("DONE", LINE);
        }
    }

    private static Waiter javaWaiter(PathLocker locker, Path dir) {
        ExecutorService exec = Executors.newSingleThreadExecutor();
        return new Waiter() {
            private Future<Long> entry;

            @Override
            public void begin() {
                entry = exec.submit(() -> {
                    PathLock lock = locker.lock(dir);
                    long t = System.nanoTime();
                    lock.close();
                    return t;
                });
            }

            @Override
            public long entered() throws Exception {
                return entry.get(60, TimeUnit.SECONDS);
            }

            @Override
            public void close() {
                exec.shutdownNow();
            }
        };
    }

    private static Waiter cWaiter(Harness h, String mode, Path dir) throws Exception {
        PeerProcess p = h.c.start(30, "wait-handoff", mode, dir.toString());
        return new Waiter() {
            @Override
            public void begin() {
                p.send("");
            }

            @Override
            public long entered() {
                return CPeer.field(p.awaitLine("ENTRY ", LINE), 1);
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }

    static void threads(Harness h) throws Exception {
        Path dir = h.folder("handoff-threads");
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE)
                .timeout(Duration.ofSeconds(30)).build(), h.backend);
        List<Double> ours = new ArrayList<>();
        List<Double> semaphore = new ArrayList<>();
        ExecutorService holderThread = Executors.newSingleThreadExecutor();
        ExecutorService waiterThread = Executors.newSingleThreadExecutor();
        try {
            int rounds = h.size.handoffs();
            for (int i = 0; i < rounds + rounds / 10; i++) {
                boolean warm = i < rounds / 10;
                // our lock between two threads
                Semaphore held = new Semaphore(0);
                Future<Long> released = holderThread.submit(() -> {
                    PathLock lock = locker.lock(dir);
                    held.release();
                    sleepHold();
                    long t = System.nanoTime();
                    lock.close();
                    return t;
                });
                held.acquire();
                Future<Long> entered = waiterThread.submit(() -> {
                    PathLock lock = locker.lock(dir);
                    long t = System.nanoTime();
                    lock.close();
                    return t;
                });
                double ns = entered.get(60, TimeUnit.SECONDS) - released.get(60, TimeUnit.SECONDS);
                // a bare semaphore between the same two threads
                Semaphore gate = new Semaphore(0);
                Future<Long> given = holderThread.submit(() -> {
                    sleepHold();
                    long t = System.nanoTime();
                    gate.release();
                    return t;
                });
                Future<Long> taken = waiterThread.submit(() -> {
                    gate.acquire();
                    return System.nanoTime();
                });
                double sns = taken.get(60, TimeUnit.SECONDS) - given.get(60, TimeUnit.SECONDS);
                if (!warm) {
                    ours.add(ns);
                    semaphore.add(sns);
                }
            }
        } finally {
            holderThread.shutdownNow();
            waiterThread.shutdownNow();
        }
        double p50 = Stats.percentile(ours, 50);
        double s50 = Stats.percentile(semaphore, 50);
        h.add(Row.target("hand-off between two threads of one JVM, LOCKFILE, " + h.backend + ", p50 (vs a bare Semaphore)",
                Stats.time(p50) + " (p99 " + Stats.time(Stats.percentile(ours, 99)) + ")",
                Stats.time(s50) + " (p99 " + Stats.time(Stats.percentile(semaphore, 99)) + ")",
                Stats.ratio(p50, s50), "≤ 50 µs", p50 <= 50e3));
    }

    private static void sleepHold() throws InterruptedException {
        Thread.sleep(ThreadLocalRandom.current().nextInt(MIN_HOLD_MS, MAX_HOLD_MS + 1));
    }
}
