package io.github.astlock.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.astlock.LockMode;
import io.github.astlock.tck.ChildJvm;
import io.github.astlock.tck.PeerProcess;
import io.github.astlock.tck.Peers;
import io.github.astlock.tck.TckEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every backend at once: jna, jnr and nio child JVMs and Asterisk C-reference workers increment
 * one counter under one folder lock. Any overlap of two holders loses an update.
 */
class MixedBackendsStressTest {
    @TempDir
    Path dir;

    private long run(LockMode mode, List<Class<?>> backends, int asteriskWorkers, int iterations) throws Exception {
        Path counter = dir.resolve("counter");
        List<PeerProcess> all = new ArrayList<>();
        try {
            for (Class<?> b : backends) {
                all.add(ChildJvm.start(b, "count", mode, dir, counter.toString(), Integer.toString(iterations)));
            }
            for (int i = 0; i < asteriskWorkers; i++) {
                all.add(Peers.asterisk(5, "count", mode, dir, counter.toString(), Integer.toString(iterations)));
            }
            PeerProcess.awaitAll(all, "DONE", TckEnvironment.processLimit());
        } finally {
            all.forEach(PeerProcess::close);
        }
        return Long.parseLong(Files.readString(counter, StandardCharsets.US_ASCII).strip());
    }

    @Test
    void jnaJnrNioAndAsteriskLockfileIsExact(TestReporter reporter) throws Exception {
        int m = TckEnvironment.stressIterations();
        List<Class<?>> backends = List.of(Factories.Jna.class, Factories.Jnr.class, Factories.Nio.class,
                Factories.Jna.class, Factories.Jnr.class, Factories.Nio.class);
        long expected = (long) (backends.size() + 2) * m;
        long t0 = System.nanoTime();
        assertEquals(expected, run(LockMode.LOCKFILE, backends, 2, m),
                "6 JVMs (2 jna, 2 jnr, 2 nio) + 2 Asterisk workers x " + m + " increments: updates were lost");
        reporter.publishEntry("LOCKFILE mixed", expected + " increments exact in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @Test
    void jnaAndJnrFlockIsExact() throws Exception {
        int m = TckEnvironment.stressIterations();
        List<Class<?>> backends = List.of(Factories.Jna.class, Factories.Jnr.class, Factories.Jna.class, Factories.Jnr.class);
        assertEquals((long) backends.size() * m, run(LockMode.FLOCK, backends, 0, m),
                "2 jna + 2 jnr JVMs in FLOCK mode: updates were lost");
    }

    @Test
    void jnaAndJnrBothIsExact() throws Exception {
        int m = TckEnvironment.stressIterations();
        List<Class<?>> backends = List.of(Factories.Jna.class, Factories.Jnr.class, Factories.Jnr.class);
        assertEquals((long) backends.size() * m, run(LockMode.BOTH, backends, 0, m),
                "jna and jnr JVMs in BOTH mode: updates were lost");
    }
}
