package io.github.astlock.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.astlock.LockMode;
import io.github.astlock.tck.ExclusionRules;
import io.github.astlock.tck.HoldLog;
import io.github.astlock.tck.TckEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * FLOCK mode, two C-reference workers and two astlock workers (one jna, one jnr) incrementing
 * one counter, with hold intervals logged: astlock–astlock overlaps must be 0 in every run;
 * overlaps involving Asterisk (its unlink-on-unlock defect) are summed by pair and reported.
 * Short by default; the long measurement:
 * {@code -Dastlock.overlap.runs=12 -Dastlock.overlap.iterations=3000}.
 */
class FlockOverlapMeasurementTest {
    @TempDir
    Path dir;

    @Test
    void jnaJnrAndTwoAsteriskWorkersNeverOverlapTwoAstlockHolders(TestReporter reporter) throws Exception {
        int runs = Integer.getInteger("astlock.overlap.runs", 1);
        int iterations = Integer.getInteger("astlock.overlap.iterations", TckEnvironment.stressIterations());
        Map<String, Integer> total = new TreeMap<>();
        int runsWithAsteriskOverlap = 0;
        for (int r = 1; r <= runs; r++) {
            Path folder = Files.createDirectory(dir.resolve("run" + r));
            Map<String, Integer> pairs = ExclusionRules.mixedRun(List.of(Factories.Jna.class, Factories.Jnr.class),
                    List.of("astlock-jna", "astlock-jnr"), folder, LockMode.FLOCK, iterations);
            pairs.forEach((k, v) -> total.merge(k, v, Integer::sum));
            if (!pairs.isEmpty()) {
                runsWithAsteriskOverlap++;
            }
            System.out.println("[astlock-overlap] run " + r + "/" + runs + ": " + pairs);
            assertEquals(0, HoldLog.astlockOnly(pairs), "run " + r + ": two astlock processes held at once: " + pairs);
        }
        String report = "FLOCK, 2 Asterisk + jna + jnr, " + runs + " runs x " + iterations + " increments per worker: "
                + "astlock-astlock overlaps 0; overlapping holds by pair " + total + " (in " + runsWithAsteriskOverlap
                + " of " + runs + " runs)";
        reporter.publishEntry("FLOCK overlaps", report);
        System.out.println("[astlock-overlap] " + report);
    }
}
