package io.github.astlock.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.astlock.LockBackends;
import io.github.astlock.tck.Peers;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Each benchmark runs a tiny configuration and produces its rows. Nothing here looks at how
 * fast anything was: the figures of a build machine mean nothing.
 */
class HarnessSmokeTest {
    /** Smaller still than {@link Harness#TINY}: a few iterations of everything. */
    private static final Harness.Size SMOKE = new Harness.Size("smoke", 10, 1, 100, 1, 3, 5, 50, 20, 1);

    @TempDir
    Path tmp;

    private Harness harness(Map<String, String> options) throws Exception {
        Peers.reference(); // skips without a C compiler
        return new Harness(SMOKE, tmp, CPeer.build(tmp, "cc"), LockBackends.select().id(), options,
                new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    private static List<Row> rowsAbout(Collection<Row> rows, String words) {
        return rows.stream().filter(r -> r.figure().contains(words)).toList();
    }

    @Test
    void everyCrossProcessMeasurementProducesItsRows() throws Exception {
        List<String> names = Harness.MEASUREMENTS.stream().filter(n -> !n.equals("cli")).toList();
        List<Row> rows = harness(Map.of()).run(names);

        assertFalse(rowsAbout(rows, "uncontended lock+release, LOCKFILE").isEmpty(), rows.toString());
        assertFalse(rowsAbout(rows, "plain-syscall floor").isEmpty(), rows.toString());
        assertEquals(2, rowsAbout(rows, "CPU while waiting").size(), rows.toString());
        assertEquals(2, rowsAbout(rows, "timeout 200 ms").size(), rows.toString());
        assertEquals(4, rowsAbout(rows, "hand-off C holder →").size() - rowsAbout(rows, "kernel wake").size(),
                rows.toString());
        assertEquals(1, rowsAbout(rows, "between two threads").size(), rows.toString());
        List<Row> contention = rowsAbout(rows, "processes contending");
        assertEquals(2, contention.size(), rows.toString());
        for (Row r : contention) {
            // four astlock processes never lose an update, however slow the machine
            assertTrue(r.ours().contains("; 0 lost of 20"), r.toString());
        }
        assertEquals(6, rowsAbout(rows, "folders held by one JVM").size(), rows.toString());
        List<Row> limit = rowsAbout(rows, "descriptor limit");
        assertEquals(1, limit.size(), rows.toString());
        assertTrue(limit.get(0).ours().startsWith("EMFILE after "), limit.toString());
        for (Row r : rows) {
            assertFalse(r.figure().endsWith("could not be measured"), r.toString());
            assertTrue(List.of("yes", "**no**", "–").contains(r.met()), r.toString());
        }
    }

    @Test
    void cliStartUpProducesItsRow() throws Exception {
        Path launcher = Path.of("../lock-cli/astlock");
        assumeTrue(Files.isRegularFile(Path.of("../lock-cli/target/astlock.jar")),
                "lock-cli/target/astlock.jar is not built: mvn -B -q -pl lock-cli -am package -DskipTests");
        Peers.assumeFlock();
        Peers.assumeDotlockfile();
        List<Row> rows = harness(Map.of("launcher", launcher.toString())).run(List.of("cli"));
        assertEquals(1, rowsAbout(rows, "CLI `run --mode lockfile DIR -- true`, Java 17").size(), rows.toString());
    }

    @Test
    void jmhRunsOneTinyConfiguration() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(UncontendedBenchmark.class.getName())
                .param("backend", "nio")
                .param("mode", "LOCKFILE")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .build()).run();
        assertEquals(1, results.size());
        assertTrue(results.iterator().next().getPrimaryResult().getSampleCount() > 0);
    }
}
