package io.github.astlock.bench;

import io.github.astlock.LockMode;
import io.github.astlock.tck.PeerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One JVM holding many folders at once (a child JVM, so its heap holds nothing else), and FLOCK
 * mode at the descriptor limit of a child started with a low {@code ulimit -n}.
 */
final class Scale {
    private static final Duration LIMIT = Duration.ofMinutes(5);
    /** The descriptor limit of the child in the descriptor-limit run. */
    static final int DESCRIPTOR_LIMIT = 256;

    private Scale() {
    }

    static void folders(Harness h) throws Exception {
        for (LockMode mode : List.of(LockMode.LOCKFILE, LockMode.FLOCK)) {
            Path root = h.folder("scale-" + mode.asteriskName());
            // A held lock keeps descriptors open (FLOCK more than LOCKFILE): the child gets the hard
            // limit, and holds fewer folders when even that is too low for them.
            long hard = hardDescriptorLimit();
            int n = (int) Math.min(h.size.folders(), (hard - 1000) * 2 / (mode == LockMode.FLOCK ? 4 : 3));
            String fewer = n < h.size.folders() ? " (as many as the descriptor limit of " + hard + " allows)" : "";
            try (PeerProcess child = PeerProcess.start("scale " + mode, null, BenchChild.command(List.of("sh", "-c",
                    "ulimit -n " + Math.min(hard, 3L * n + 1000) + "; exec \"$@\"", "sh"), "scale", h.backend,
                    mode.name(), root.toString(), Integer.toString(n)))) {
                String line = child.awaitLine("SCALE ", LIMIT);
                long first = CPeer.field(line, 1);
                long last = CPeer.field(line, 2);
                long heap = CPeer.field(line, 3);
                long block = CPeer.field(line, 4);
                double descriptors = Double.parseDouble(line.trim().split("\\s+")[5]);
                h.add(Row.target(n + " folders held by one JVM" + fewer + ", " + mode + ", " + h.backend
                                + ": last " + block + " locks vs first " + block,
                        Stats.time(last) + " vs " + Stats.time(first), "–", Stats.ratio(last, first), "≤ 1.5×",
                        last <= 1.5 * first));
                h.add(Row.target(n + " folders held by one JVM, " + mode + ", " + h.backend + ": heap per held lock",
                        heap + " B", "–", "–", "≤ 2 KiB", heap <= 2048));
                h.add(Row.info(n + " folders held by one JVM, " + mode + ", " + h.backend
                        + ": open descriptors per held lock", Stats.num(descriptors), "–", "–"));
                child.awaitExit(LIMIT);
            }
        }
    }

    /** The hard limit of open descriptors a child may raise its soft limit to. */
    private static long hardDescriptorLimit() throws Exception {
        try (PeerProcess sh = PeerProcess.start("ulimit -Hn", null, List.of("sh", "-c", "ulimit -Hn"))) {
            String line = sh.awaitLine("", LIMIT).trim();
            return line.equals("unlimited") ? 1L << 20 : Long.parseLong(line);
        }
    }

    static void descriptorLimit(Harness h) throws Exception {
        Path root = h.folder("fdlimit");
        int n = DESCRIPTOR_LIMIT * 2;
        long t0 = System.nanoTime();
        try (PeerProcess child = PeerProcess.start("fdlimit", null, BenchChild.command(List.of("sh", "-c",
                "ulimit -n " + DESCRIPTOR_LIMIT + " && exec \"$@\"", "sh"), "fdlimit", h.backend, root.toString(),
                Integer.toString(n)))) {
            String line;
            try {
                line = child.awaitLine("FDLIMIT ", Duration.ofSeconds(60));
            } catch (AssertionError hang) {
                h.add(Row.target("FLOCK at the descriptor limit (ulimit -n " + DESCRIPTOR_LIMIT + "), " + h.backend,
                        "no answer within 60 s: " + hang.getMessage().lines().findFirst().orElse(""), "–", "–",
                        "a clear error, never a hang", false));
                return;
            }
            String[] w = line.split(" ", 5);
            boolean clear = !w[1].equals("none") && !w[1].equals("-");
            h.add(Row.target("FLOCK at the descriptor limit (ulimit -n " + DESCRIPTOR_LIMIT + "), " + h.backend,
                    (clear ? w[1] : "no errno") + " after " + w[2] + " locks, " + Stats.time(Long.parseLong(w[3]))
                            + " (whole child " + Stats.time(System.nanoTime() - t0) + "): `"
                            + w[4].replace(root.toString(), "FOLDER").replace('|', '/') + "`",
                    "–", "–", "a clear error, never a hang", clear));
            child.awaitExit(LIMIT);
        }
    }
}
