package io.github.astlock.bench;

import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.tck.PeerProcess;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waiting behind a C holder that never lets go: the CPU the waiter burns, and how close a
 * timeout ends to the configured time.
 */
final class Waiting {
    private static final Duration LINE = Duration.ofSeconds(30);
    private static final long CONFIGURED_TIMEOUT_MS = 200;

    private Waiting() {
    }

    /** CPU used by this whole process, in nanoseconds. */
    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A C reference holding {@code dir} until closed. */
    private static PeerProcess holder(Harness h, LockMode mode, Path dir) throws Exception {
        PeerProcess p = h.c.start(0, "ref", "hold", mode.asteriskName(), dir.toString());
        String line = p.awaitLine("LOCK ", LINE);
        if (!line.startsWith("LOCK SUCCESS")) {
            p.close();
            throw new IllegalStateException("the C holder could not lock " + dir + ": " + p.transcript());
        }
        return p;
    }

    /** Times out once behind the holder; returns {wall ns, process cpu ns}. */
    private static long[] waitOnce(PathLocker locker, Path dir) throws Exception {
        long cpu0 = processCpu();
        long t0 = System.nanoTime();
        try (PathLock lock = locker.lock(dir)) {
            throw new IllegalStateException("locked " + dir + " although the C reference holds it: " + lock);
        } catch (LockTimeoutException expected) {
            return new long[] {System.nanoTime() - t0, processCpu() - cpu0};
        }
    }

    static void cpu(Harness h) throws Exception {
        for (LockMode mode : List.of(LockMode.LOCKFILE, LockMode.FLOCK)) {
            Path dir = h.folder("waitcpu-" + mode.asteriskName());
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode)
                    .timeout(Duration.ofMillis(h.size.waitMs())).build(), h.backend);
            long[] ours;
            String theirs;
            double cShare;
            try (PeerProcess holder = holder(h, mode, dir)) {
                waitOnce(PathLocker.create(LockOptions.builder().mode(mode).timeout(Duration.ofMillis(50)).build(),
                        h.backend), dir); // warm-up
                ours = waitOnce(locker, dir);
                int seconds = Math.max(1, (int) Math.round(h.size.waitMs() / 1000.0));
                try (PeerProcess waiter = h.c.start(seconds, "waitcpu", mode.asteriskName(), dir.toString())) {
                    String line = waiter.awaitLine("WAITED ", LINE);
                    long wall = CPeer.field(line, 2);
                    long cpu = CPeer.field(line, 3);
                    cShare = 100.0 * cpu / wall;
                    theirs = Stats.num(cShare) + " % (" + Stats.time(cpu) + " in " + Stats.time(wall) + ")";
                }
                holder.send("");
            }
            double share = 100.0 * ours[1] / ours[0];
            h.add(Row.target("CPU while waiting behind a C holder, " + mode + ", " + h.backend + " (% of a core)",
                    Stats.num(share) + " % (" + Stats.time(ours[1]) + " in " + Stats.time(ours[0]) + ")", theirs,
                    Stats.ratio(share, cShare), "≤ 2 %", share <= 2));
        }
    }

    static void timeouts(Harness h) throws Exception {
        for (LockMode mode : List.of(LockMode.LOCKFILE, LockMode.FLOCK)) {
            Path dir = h.folder("timeout-" + mode.asteriskName());
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode)
                    .timeout(Duration.ofMillis(CONFIGURED_TIMEOUT_MS)).build(), h.backend);
            List<Double> late = new ArrayList<>();
            List<Double> cLate = new ArrayList<>();
            try (PeerProcess holder = holder(h, mode, dir)) {
                waitOnce(locker, dir); // warm-up
                for (int i = 0; i < h.size.timeouts(); i++) {
                    late.add(waitOnce(locker, dir)[0] - CONFIGURED_TIMEOUT_MS * 1e6);
                    if (i % 10 == 0) {
                        // the reference counts whole seconds: "-t 1" is its shortest timeout
                        try (PeerProcess waiter = h.c.start(1, "waitcpu", mode.asteriskName(), dir.toString())) {
                            cLate.add(CPeer.field(waiter.awaitLine("WAITED ", LINE), 2) - 1e9);
                        }
                    }
                }
                holder.send("");
            }
            double worst = late.stream().mapToDouble(d -> Math.abs(d)).max().orElseThrow();
            h.add(Row.target("timeout " + CONFIGURED_TIMEOUT_MS + " ms × " + late.size() + ", " + mode + ", " + h.backend
                            + ": actual − configured, median / worst",
                    Stats.signedTime(Stats.median(late)) + " / " + Stats.time(worst),
                    "C `-t 1` × " + cLate.size() + ": " + Stats.signedTime(Stats.median(cLate)) + " / "
                            + Stats.time(cLate.stream().mapToDouble(d -> Math.abs(d)).max().orElseThrow()),
                    "–", "within 20 ms", worst <= 20e6));
        }
    }
}
