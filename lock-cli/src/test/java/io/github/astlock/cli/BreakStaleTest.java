package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockOwner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code astlock break-stale}: dry run, {@code --yes}, and the locks it must never break. */
class BreakStaleTest {
    private static final Duration LONG = Duration.ofSeconds(60); // generous: a loaded machine starts JVMs slowly

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    private static long exitedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void deadOwnerDryRunThenYes() throws Exception {
        Path lock = dir.resolve(".lock");
        Files.write(lock, new LockOwner(exitedPid(), 1, LockOwner.thisHost(), "x", "t", Instant.now()).toBytes());

        Cli.Result dry = Cli.run("break-stale", "--dead-owner", dir.toString());
        assertEquals(ExitCodes.OK, dry.exit(), dry::toString);
        assertTrue(dry.out().contains("would break") && dry.out().contains("dry run"), dry::toString);
        assertTrue(Files.exists(lock), "a dry run changes nothing");

        Cli.Result yes = Cli.run("break-stale", "--dead-owner", "--yes", dir.toString());
        assertEquals(ExitCodes.OK, yes.exit(), yes::toString);
        assertTrue(yes.out().contains("broke " + lock), yes::toString);
        assertFalse(Files.exists(lock), "--yes breaks it");

        Cli.Result again = Cli.run("break-stale", "--dead-owner", "--yes", dir.toString());
        assertEquals(ExitCodes.HELD, again.exit(), again::toString);
        assertTrue(again.out().contains("nothing to break"), again::toString);
    }

    @Test
    void neverBreaksARunningOwnersLockAndNeedsACriterion() throws Exception {
        Path flag = scratch.resolve("release");
        try (Cli holder = Cli.start(RunInteropTest.concat(new String[] {"run", "--mode", "lockfile", dir.toString(),
                "--"}, RunInteropTest.holdUntil(flag)))) {
            Cli.waitFor(".lock to appear", LONG, () -> Files.exists(dir.resolve(".lock")));
            Thread.sleep(1100); // older than --older-than 1s, yet its owner runs
            Cli.Result r = Cli.run("break-stale", "--dead-owner", "--older-than", "1s", "--yes", dir.toString());
            assertEquals(ExitCodes.HELD, r.exit(), r::toString);
            assertTrue(Files.exists(dir.resolve(".lock")), "a running owner's lock is never broken\n" + r);

            Cli.Result none = Cli.run("break-stale", dir.toString());
            assertEquals(ExitCodes.USAGE, none.exit(), none::toString);
            assertTrue(none.err().contains("--older-than") && none.err().contains("--dead-owner"), none::toString);
            Files.createFile(flag);
            assertEquals(0, holder.awaitExit(LONG).exit(), "the holder's release still works");
        }
    }

    @Test
    void olderThanBreaksAnOldAsteriskLock() throws Exception {
        Path lock = Files.createFile(dir.resolve(".lock")); // Asterisk's .lock is empty
        Cli.Result young = Cli.run("break-stale", "--older-than", "1h", dir.toString());
        assertEquals(ExitCodes.HELD, young.exit(), young::toString);
        Thread.sleep(1100);
        Cli.Result old = Cli.run("break-stale", "--older-than", "1s", "--yes", dir.toString());
        assertEquals(ExitCodes.OK, old.exit(), old::toString);
        assertFalse(Files.exists(lock), old::toString);
    }
}
