package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.tck.PeerProcess;
import io.github.astlock.tck.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code astlock run} against independent lockers in other processes, in both directions: the
 * Asterisk-faithful C reference, liblockfile's {@code dotlockfile} and util-linux {@code flock(1)}.
 */
class RunInteropTest {
    private static final Duration LONG = Duration.ofSeconds(60); // generous: a loaded machine starts JVMs slowly

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    @BeforeAll
    static void compileReference() {
        Peers.reference(); // compile once, before any timing matters
    }

    /** A command that holds until {@code flag} exists. */
    static String[] holdUntil(Path flag) {
        return new String[] {"sh", "-c", "until [ -e \"$0\" ]; do sleep 0.02; done", flag.toString()};
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private Cli.Result expectTimeoutAfterAboutOneSecond(String... modeArgs) throws Exception {
        String[] args = concat(concat(new String[] {"-v", "run", "--timeout", "1s"}, modeArgs), dir.toString(), "--",
                "true");
        try (Cli cli = Cli.start(args)) {
            Cli.Line locking = cli.awaitErr(l -> l.startsWith("astlock: locking "), LONG);
            Cli.Result r = cli.awaitExit(LONG);
            assertEquals(ExitCodes.TEMP_FAIL, r.exit(), r::toString);
            double waited = (r.endNanos() - locking.nanos()) / 1e9;
            // it must not give up before its timeout; how much later it ends depends on the machine's load
            assertTrue(waited >= 0.9, "waited " + waited + " s, less than the 1 s timeout\n" + r);
            assertTrue(r.err().contains("timed out"), r::toString);
            return r;
        }
    }

    @Test
    void asteriskReferenceTimesOutWhileRunHoldsLockfile() throws Exception {
        try (Cli cli = Cli.start("run", "--mode", "lockfile", dir.toString(), "--", "sleep", "2")) {
            Cli.waitFor(".lock to appear", LONG, () -> Files.exists(dir.resolve(".lock")));
            try (PeerProcess asterisk = Peers.asterisk(1, "try", LockMode.LOCKFILE, dir)) {
                assertEquals("LOCK TIMEOUT -1", asterisk.awaitLine("LOCK ", LONG));
            }
            Cli.Result r = cli.awaitExit(LONG);
            assertEquals(0, r.exit(), r::toString);
        }
        assertFalse(Files.exists(dir.resolve(".lock")), ".lock must be removed after the command");
        try (PeerProcess asterisk = Peers.asterisk(0, "try", LockMode.LOCKFILE, dir)) {
            assertEquals("LOCK SUCCESS 0", asterisk.awaitLine("LOCK ", LONG));
        }
    }

    @Test
    void asteriskReferenceAndFlockTimeOutWhileRunHoldsFlock() throws Exception {
        Path flag = scratch.resolve("release");
        try (Cli cli = Cli.start(concat(new String[] {"run", "--mode", "flock", dir.toString(), "--"}, holdUntil(flag)))) {
            Cli.waitFor("the flock to be held", LONG, () -> flockHeld(dir.resolve("lock")));
            try (PeerProcess asterisk = Peers.asterisk(1, "try", LockMode.FLOCK, dir)) {
                assertEquals("LOCK TIMEOUT -1", asterisk.awaitLine("LOCK ", LONG));
            }
            assertEquals(1, Peers.flockTry(dir.resolve("lock")), "flock -n DIR/lock true must fail while run holds");
            assertFalse(Files.exists(dir.resolve(".lock")), "flock mode must not make .lock");
            Files.createFile(flag);
            Cli.Result r = cli.awaitExit(LONG);
            assertEquals(0, r.exit(), r::toString);
        }
        assertEquals(0, Peers.flockTry(dir.resolve("lock")), "the flock must be free after run");
    }

    @Test
    void bothModeExcludesAsteriskInEitherMode() throws Exception {
        Path flag = scratch.resolve("release");
        try (Cli cli = Cli.start(concat(new String[] {"run", "--mode", "both", dir.toString(), "--"}, holdUntil(flag)))) {
            Cli.waitFor(".lock to appear", LONG, () -> Files.exists(dir.resolve(".lock")));
            try (PeerProcess asterisk = Peers.asterisk(0, "try", LockMode.LOCKFILE, dir)) {
                assertEquals("LOCK TIMEOUT -1", asterisk.awaitLine("LOCK ", LONG));
            }
            try (PeerProcess asterisk = Peers.asterisk(0, "try", LockMode.FLOCK, dir)) {
                assertEquals("LOCK TIMEOUT -1", asterisk.awaitLine("LOCK ", LONG));
            }
            Files.createFile(flag);
            assertEquals(0, cli.awaitExit(LONG).exit());
        }
    }

    @Test
    void dotlockfileFailsWhileRunHolds() throws Exception {
        Peers.assumeDotlockfile();
        Path flag = scratch.resolve("release");
        try (Cli cli = Cli.start(concat(new String[] {"run", "--mode", "lockfile", dir.toString(), "--"},
                holdUntil(flag)))) {
            Cli.waitFor(".lock to appear", LONG, () -> Files.exists(dir.resolve(".lock")));
            assertNotEquals(0, Peers.dotlockfileLock(dir.resolve(".lock")), "dotlockfile must not get the lock");
            Files.createFile(flag);
            assertEquals(0, cli.awaitExit(LONG).exit());
        }
    }

    @Test
    void runTimesOutWhileAsteriskReferenceHolds() throws Exception {
        try (PeerProcess asterisk = Peers.asterisk(5, "hold", LockMode.LOCKFILE, dir)) {
            assertEquals("LOCK SUCCESS 0", asterisk.awaitLine("LOCK ", LONG));
            expectTimeoutAfterAboutOneSecond("--mode", "lockfile");
            assertTrue(Files.exists(dir.resolve(".lock")), "a timed-out run must leave the holder's .lock alone");
            asterisk.send("x");
            assertEquals("UNLOCK 0", asterisk.awaitLine("UNLOCK", LONG));
        }
        assertEquals(0, Cli.run("run", "--mode", "lockfile", dir.toString(), "--", "true").exit());
    }

    @Test
    void runTimesOutWhileDotlockfileHolds() throws Exception {
        assertEquals(0, Peers.dotlockfileLock(dir.resolve(".lock")));
        expectTimeoutAfterAboutOneSecond("--mode", "lockfile");
        assertEquals(0, Peers.dotlockfileUnlock(dir.resolve(".lock")));
        Cli.Result r = Cli.run("run", "--mode", "lockfile", dir.toString(), "--", "true");
        assertEquals(0, r.exit(), r::toString);
    }

    @Test
    void runTimesOutWhileFlockHolderOrAsteriskReferenceHoldsFlock() throws Exception {
        try (PeerProcess holder = Peers.flockHolder(dir.resolve("lock"))) {
            assertEquals("LOCK SUCCESS 0", holder.awaitLine("LOCK ", LONG));
            expectTimeoutAfterAboutOneSecond("--mode", "flock");
            holder.send("x");
            holder.awaitExit(LONG);
        }
        try (PeerProcess asterisk = Peers.asterisk(5, "hold", LockMode.FLOCK, dir)) {
            assertEquals("LOCK SUCCESS 0", asterisk.awaitLine("LOCK ", LONG));
            Cli.Result r = Cli.run("run", "--mode", "flock", "--timeout", "0", dir.toString(), "--", "true");
            assertEquals(ExitCodes.TEMP_FAIL, r.exit(), r::toString);
            asterisk.send("x");
            assertEquals("UNLOCK 0", asterisk.awaitLine("UNLOCK", LONG));
        }
        assertEquals(0, Cli.run("run", "--mode", "flock", dir.toString(), "--", "true").exit());
    }

    @Test
    void waitsWithOneProgressLineAndTakesOverWhenAsteriskReleases() throws Exception {
        try (PeerProcess asterisk = Peers.asterisk(5, "hold", LockMode.LOCKFILE, dir)) {
            assertEquals("LOCK SUCCESS 0", asterisk.awaitLine("LOCK ", LONG));
            // -v: the "locking" line shows that the quiet one is about to wait; nothing else may follow it
            try (Cli quiet = Cli.start("-v", "run", "--mode", "lockfile", "--timeout", "50s", "--quiet", dir.toString(),
                    "--", "true")) {
                quiet.awaitErr(l -> l.startsWith("astlock: locking "), LONG);
                try (Cli loud = Cli.start("run", "--mode", "lockfile", "--timeout", "50s", dir.toString(), "--",
                        "true")) {
                    loud.awaitErr(l -> l.startsWith("astlock: waiting for "), LONG);
                    asterisk.send("x"); // release as soon as the loud one has said it waits
                    Cli.Result r = loud.awaitExit(LONG);
                    assertEquals(0, r.exit(), r::toString);
                    // not a terminal: one line at 1 s, then one every 5 s at most
                    long lines = r.err().lines().filter(l -> l.startsWith("astlock: waiting for ")).count();
                    assertTrue(lines >= 1 && lines <= 1 + r.elapsed().toSeconds() / 5, r::toString);
                    assertTrue(r.err().contains("unknown owner"), "Asterisk's .lock is empty: owner unknown\n" + r);
                    Cli.Result q = quiet.awaitExit(LONG);
                    assertEquals(0, q.exit(), q::toString);
                    assertTrue(q.err().lines().noneMatch(l -> l.contains("waiting for")),
                            "--quiet prints nothing while waiting\n" + q);
                }
            }
        }
    }

    static boolean flockHeld(Path lockFile) {
        try {
            return Files.exists(lockFile) && Peers.flockTry(lockFile) == 1;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
