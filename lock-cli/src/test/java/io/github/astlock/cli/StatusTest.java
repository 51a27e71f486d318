package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.tck.PeerProcess;
import io.github.astlock.tck.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code astlock status}: text, JSON and exit statuses against real holders. */
class StatusTest {
    private static final Duration LONG = Duration.ofSeconds(60); // generous: a loaded machine starts JVMs slowly

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> json(Cli.Result r) {
        return (List<Map<String, Object>>) MiniJson.parse(r.out());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void heldByAstlockRunThenFree() throws Exception {
        Path flag = scratch.resolve("release");
        try (Cli holder = Cli.start(RunInteropTest.concat(new String[] {"run", "--mode", "lockfile", dir.toString(),
                "--"}, RunInteropTest.holdUntil(flag)))) {
            Cli.waitFor(".lock to appear", LONG, () -> Files.exists(dir.resolve(".lock")));
            Cli.Result text = Cli.run("status", dir.toString());
            assertEquals(ExitCodes.HELD, text.exit(), text::toString);
            assertTrue(text.out().contains("HELD") && text.out().contains("astlock pid " + holder.process.pid()),
                    text::toString);

            Cli.Result r = Cli.run("status", "--json", dir.toString());
            assertEquals(ExitCodes.HELD, r.exit(), r::toString);
            List<Map<String, Object>> all = json(r);
            assertEquals(1, all.size());
            Map<String, Object> st = all.get(0);
            assertEquals(dir.toAbsolutePath().toString(), st.get("directory"));
            assertEquals(Boolean.TRUE, st.get("held"));
            Map<String, Object> lockfile = map(st.get("lockfile"));
            assertEquals(holder.process.pid(), map(lockfile.get("owner")).get("pid"));
            assertEquals(holder.process.pid(), lockfile.get("pid"));
            assertEquals("alive", lockfile.get("liveness"));
            assertTrue((Long) lockfile.get("ageMillis") >= 0);
            assertEquals(dir.resolve(".lock").toString(), lockfile.get("file"));
            assertNull(st.get("flock"));
            assertEquals(List.of(), st.get("leftovers"));
            Files.createFile(flag);
            assertEquals(0, holder.awaitExit(LONG).exit());
        }
        Cli.Result free = Cli.run("status", "--json", dir.toString());
        assertEquals(ExitCodes.OK, free.exit(), free::toString);
        Map<String, Object> st = json(free).get(0);
        assertEquals(Boolean.FALSE, st.get("held"));
        assertNull(st.get("lockfile"));
    }

    @Test
    void asteriskAndFlockHoldersAndAMissingDirectory() throws Exception {
        Path other = Files.createDirectory(scratch.resolve("flocked"));
        Path missing = scratch.resolve("missing");
        try (PeerProcess asterisk = Peers.asterisk(5, "hold", LockMode.LOCKFILE, dir);
             PeerProcess flock = Peers.flockHolder(other.resolve("lock"))) {
            assertEquals("LOCK SUCCESS 0", asterisk.awaitLine("LOCK ", LONG));
            assertEquals("LOCK SUCCESS 0", flock.awaitLine("LOCK ", LONG));
            Cli.Result r = Cli.run("status", "--json", dir.toString(), other.toString());
            assertEquals(ExitCodes.HELD, r.exit(), r::toString);
            List<Map<String, Object>> all = json(r);
            Map<String, Object> ast = map(all.get(0).get("lockfile"));
            assertNull(ast.get("owner"), "Asterisk's .lock is empty: no owner record");
            assertNull(ast.get("pid"));
            assertEquals("unknown", ast.get("liveness"));
            Map<String, Object> fl = map(all.get(1).get("flock"));
            assertNotNull(fl.get("pid"), r::toString);
            assertEquals("alive", fl.get("liveness"));
            assertNull(all.get(1).get("lockfile"));

            Cli.Result withMissing = Cli.run("status", "--json", dir.toString(), missing.toString());
            assertEquals(ExitCodes.CANT_CREATE, withMissing.exit(), withMissing::toString);
            List<Map<String, Object>> two = json(withMissing);
            assertEquals(2, two.size(), "the other directory is still reported");
            assertEquals(Boolean.TRUE, two.get(0).get("held"));
            assertTrue(((String) two.get(1).get("error")).contains("not found"), withMissing::toString);
            asterisk.send("x");
            flock.send("x");
        }
    }

    @Test
    void jsonEscapesStrangeDirectoryNames() throws Exception {
        Path odd = Files.createDirectory(scratch.resolve("we\"ird\\ name\twith\nnewline\u0001 end"));
        Cli.Result r = Cli.run("status", "--json", odd.toString());
        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        assertEquals(odd.toAbsolutePath().toString(), json(r).get(0).get("directory"), r::toString);
    }
}
