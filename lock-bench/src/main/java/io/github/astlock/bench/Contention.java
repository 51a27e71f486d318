package io.github.astlock.bench;

import io.github.astlock.LockMode;
import io.github.astlock.tck.PeerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Four processes incrementing one counter file under the lock of one folder: four astlock JVMs,
 * then four C reference processes in the same mode. Throughput is counted from the moment all
 * four are ready (JVM start-up excluded) to the moment the last one is done; the counter must
 * end at exactly four times the increments, and every missing one is a lost update.
 */
final class Contention {
    private static final int PROCESSES = 4;
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private Contention() {
    }

    static void run(Harness h) throws Exception {
        for (LockMode mode : List.of(LockMode.LOCKFILE, LockMode.FLOCK)) {
            double[] ours = java(h, mode);
            double[] c = c(h, mode);
            h.add(Row.target(PROCESSES + " processes contending, " + mode + ", " + h.backend + " JVMs vs C reference"
                            + " (locks/s; lost updates)",
                    Stats.num(ours[0]) + " /s; " + (long) ours[1] + " lost of " + (long) ours[2],
                    Stats.num(c[0]) + " /s; " + (long) c[1] + " lost of " + (long) c[2],
                    Stats.ratio(ours[0], c[0]), "≥ 0.5×, 0 lost", ours[0] >= 0.5 * c[0] && ours[1] == 0));
        }
    }

    private static long counter(Path file) throws Exception {
        if (!Files.exists(file)) {
            return 0;
        }
        String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }

    /** Returns {locks per second, lost, expected}. */
    private static double[] java(Harness h, LockMode mode) throws Exception {
        Path dir = h.folder("contention-java-" + mode.asteriskName());
        Path counter = dir.getParent().resolve("contention-java-" + mode.asteriskName() + ".count");
        Files.deleteIfExists(counter);
        int n = h.size.javaCount();
        List<PeerProcess> children = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                children.add(PeerProcess.start("astlock count " + i, null, BenchChild.command(List.of(), "count",
                        h.backend, mode.name(), dir.toString(), counter.toString(), Integer.toString(n))));
            }
            for (PeerProcess p : children) {
                p.awaitLine("READY", LIMIT);
            }
            long t0 = System.nanoTime();
            for (PeerProcess p : children) {
                p.send("go");
            }
            PeerProcess.awaitAll(children, "DONE", LIMIT);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long expected = (long) n * PROCESSES;
            return new double[] {expected / seconds, expected - counter(counter), expected};
        } finally {
            children.forEach(PeerProcess::close);
        }
    }

    private static double[] c(Harness h, LockMode mode) throws Exception {
        Path dir = h.folder("contention-c-" + mode.asteriskName());
        Path counter = dir.getParent().resolve("contention-c-" + mode.asteriskName() + ".count");
        Files.deleteIfExists(counter);
        int n = h.size.cCount();
        List<PeerProcess> children = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < PROCESSES; i++) {
                children.add(h.c.start(60, "ref", "count", mode.asteriskName(), dir.toString(), counter.toString(),
                        Integer.toString(n)));
            }
            PeerProcess.awaitAll(children, "DONE", LIMIT);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long expected = (long) n * PROCESSES;
            return new double[] {expected / seconds, expected - counter(counter), expected};
        } finally {
            children.forEach(PeerProcess::close);
        }
    }

}
