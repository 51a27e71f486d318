package io.github.astlock.bench;

import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Uncontended lock + release: every backend in every mode it supports, the C reference in
 * LOCKFILE and FLOCK mode, and the plain-syscall floor, in interleaved rounds; medians per
 * lock + release.
 */
final class Uncontended {
    private Uncontended() {
    }

    /** One thing to time: a batch of {@code ops} lock+release pairs, giving nanoseconds in total. */
    private interface Batch {
        long run(int ops) throws Exception;
    }

    static void run(Harness h) throws Exception {
        Map<String, Batch> batches = new LinkedHashMap<>();
        for (String id : h.backends()) {
            for (LockMode mode : LockMode.values()) {
                if (Harness.supports(id, mode)) {
                    batches.put(id + " " + mode, ours(h, id, mode));
                }
            }
        }
        Path refLf = h.folder("unc-c-lockfile");
        Path refFl = h.folder("unc-c-flock");
        Path floorLink = h.folder("unc-floor-link");
        Path floorFlock = h.folder("unc-floor-flock");
        Path floorFd = h.folder("unc-floor-fd");
        batches.put("C LOCKFILE", ops -> h.c.nanos("loop", "lockfile", refLf.toString(), Integer.toString(ops)));
        batches.put("C FLOCK", ops -> h.c.nanos("loop", "flock", refFl.toString(), Integer.toString(ops)));
        batches.put("floor link", ops -> h.c.nanos("floor-link", floorLink.toString(), Integer.toString(ops)));
        batches.put("floor flock", ops -> h.c.nanos("floor-flock", floorFlock.toString(), Integer.toString(ops)));
        batches.put("floor fd", ops -> h.c.nanos("floor-fd", floorFd.toString(), Integer.toString(ops)));

        // one warm-up batch each, then rounds that visit every batch in turn
        for (Batch b : batches.values()) {
            b.run(h.size.ops());
        }
        Map<String, List<Double>> perOp = new LinkedHashMap<>();
        for (int round = 0; round < h.size.rounds(); round++) {
            for (Map.Entry<String, Batch> e : batches.entrySet()) {
                perOp.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue().run(h.size.ops()) / (double) h.size.ops());
            }
        }
        Map<String, Double> med = new LinkedHashMap<>();
        perOp.forEach((k, v) -> med.put(k, Stats.median(v)));

        double cLf = med.get("C LOCKFILE");
        double cFl = med.get("C FLOCK");
        double keptLock = med.get("floor flock");
        String best = null;
        for (String id : h.backends()) {
            Double t = med.get(id + " LOCKFILE");
            if (t == null) {
                continue;
            }
            if (best == null || t < med.get(best + " LOCKFILE")) {
                best = id;
            }
            boolean nio = id.equals("nio");
            String figure = "uncontended lock+release, LOCKFILE, " + id + " (vs C reference)";
            if (nio) {
                h.add(Row.target(figure, Stats.time(t), Stats.time(cLf), Stats.ratio(t, cLf), "≤ 1.5×", t <= 1.5 * cLf));
            } else {
                h.add(Row.info(figure, Stats.time(t), Stats.time(cLf), Stats.ratio(t, cLf)));
            }
        }
        if (best != null) {
            double t = med.get(best + " LOCKFILE");
            h.add(Row.target("uncontended LOCKFILE, best backend (" + best + ")", Stats.time(t), Stats.time(cLf),
                    Stats.ratio(t, cLf), "≤ 1.2×", t <= 1.2 * cLf));
        }
        h.add(Row.info("plain-syscall floor LOCKFILE (C: open, close, link, unlink, unlink)", "–",
                Stats.time(med.get("floor link")), "–"));
        for (String id : h.backends()) {
            Double t = med.get(id + " FLOCK");
            if (t != null) {
                h.add(Row.target("uncontended FLOCK, " + id + " (vs C floor: kept `lock` open+flock+close)",
                        Stats.time(t), Stats.time(keptLock), Stats.ratio(t, keptLock), "≤ 2×", t <= 2 * keptLock));
            }
        }
        h.add(Row.info("C reference FLOCK (unlinks and re-creates `lock`) / kept descriptor flock+unlock", "–",
                Stats.time(cFl) + " / " + Stats.time(med.get("floor fd")), "–"));
        for (String id : h.backends()) {
            Double t = med.get(id + " BOTH");
            if (t != null) {
                h.add(Row.info("uncontended BOTH, " + id + " (vs C LOCKFILE + C FLOCK)", Stats.time(t),
                        Stats.time(cLf + cFl), Stats.ratio(t, cLf + cFl)));
            }
        }
    }

    private static Batch ours(Harness h, String id, LockMode mode) throws IOException {
        Path dir = h.folder("unc-" + id + "-" + mode.asteriskName());
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).timeout(Duration.ofSeconds(5)).build(), id);
        return ops -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                lockAndRelease(locker, dir);
            }
            return System.nanoTime() - t0;
        };
    }

    private static void lockAndRelease(PathLocker locker, Path dir) throws LockException {
        try (PathLock lock = locker.lock(dir)) {
            if (lock.isReleased()) {
                throw new IllegalStateException("a fresh lock reports itself released");
            }
        }
    }
}
