package io.github.astlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLI start-up: {@code astlock run --mode lockfile DIR -- true} through the launcher script,
 * against {@code flock FILE true} and {@code dotlockfile -l} + {@code -u}, interleaved, wall time
 * from start to exit, median; on Java 17 and, when given, Java 25.
 */
final class CliStartup {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private CliStartup() {
    }

    static void run(Harness h) throws Exception {
        Path launcher = Path.of(h.options.getOrDefault("launcher", "lock-cli/astlock"));
        if (!Files.isExecutable(launcher)) {
            h.add(Row.info("CLI `run DIR -- true` (not measured: launcher " + launcher + " not found)", "–", "–", "–"));
            return;
        }
        Map<String, String> javas = new LinkedHashMap<>();
        javas.put("17", h.options.getOrDefault("java17", System.getProperty("java.home")));
        if (h.options.containsKey("java25")) {
            javas.put("25", h.options.get("java25"));
        }
        Path dir = h.folder("cli");
        Map<String, List<Double>> times = new LinkedHashMap<>();
        int runs = Math.max(1, h.size.cliRuns());
        for (int i = -1; i < runs; i++) { // round -1 warms the page cache
            for (Map.Entry<String, String> java : javas.entrySet()) {
                double t = time(List.of(launcher.toString(), "run", "--mode", "lockfile", dir.toString(), "--", "true"),
                        java.getValue());
                record(times, "astlock " + java.getKey(), i, t);
            }
            record(times, "flock", i, time(List.of("flock", dir.resolve("lock").toString(), "true"), null));
            double lock = time(List.of("dotlockfile", "-l", "-r", "0", dir.resolve(".lock").toString()), null);
            double unlock = time(List.of("dotlockfile", "-u", dir.resolve(".lock").toString()), null);
            record(times, "dotlockfile", i, lock + unlock);
        }
        double flock = Stats.median(times.get("flock"));
        double dotlockfile = Stats.median(times.get("dotlockfile"));
        for (String v : javas.keySet()) {
            double ours = Stats.median(times.get("astlock " + v));
            double target = v.equals("25") ? 80e6 : 120e6;
            h.add(Row.target("CLI `run --mode lockfile DIR -- true`, Java " + v + ", median of " + runs
                            + " (vs flock(1) `flock FILE true`; dotlockfile -l + -u)",
                    Stats.time(ours), Stats.time(flock) + "; " + Stats.time(dotlockfile), Stats.ratio(ours, flock),
                    "≤ " + (long) (target / 1e6) + " ms", ours <= target));
        }
    }

    private static void record(Map<String, List<Double>> times, String key, int round, double t) {
        if (round >= 0) {
            times.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
    }

    private static double time(List<String> command, String javaHome) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (javaHome != null) {
            pb.environment().put("JAVA_HOME", javaHome);
        }
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!p.waitFor(LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not end within " + LIMIT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        double t = System.nanoTime() - t0;
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit status " + p.exitValue());
        }
        return t;
    }
}
