package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code astlock run} in real processes: COMMAND keeps its own options, several folders in one
 * call, and the lock is held until COMMAND's whole session has ended, on SIGTERM and SIGKILL too.
 */
class RunSessionTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    @Test
    void commandKeepsItsOwnOptions() throws Exception {
        Path f = Files.createFile(dir.resolve("f"));
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        Cli.Result touch = Cli.run("run", dir.toString(), "touch", f.toString(), "-h");
        assertEquals(0, touch.exit(), touch::toString);
        assertFalse(touch.out().contains("Usage"), "astlock's help instead of COMMAND\n" + touch);
        assertTrue(Files.getLastModifiedTime(f).toInstant().isAfter(Instant.parse("2020-01-01T00:00:00Z")),
                "touch f -h ran\n" + touch);
        Cli.Result echo = Cli.run("run", dir.toString(), "echo", "-q", "--timeout", "hi");
        assertEquals(0, echo.exit(), echo::toString);
        assertEquals("-q --timeout hi", echo.out().strip(), echo::toString);
        assertFalse(Files.exists(dir.resolve(".lock")));
    }

    @Test
    void severalFoldersAreAllHeldAndAllReleased() throws Exception {
        Path a = Files.createDirectory(scratch.resolve("a"));
        Path b = Files.createDirectory(scratch.resolve("Old"));
        Cli.Result r = Cli.run("run", "--mode", "lockfile", b.toString(), a.toString(), "--", "sh", "-c",
                "test -e \"$0/.lock\" && test -e \"$1/.lock\" && exit 5", a.toString(), b.toString());
        assertEquals(5, r.exit(), "COMMAND ran with both locks held\n" + r);
        assertFalse(Files.exists(a.resolve(".lock")) || Files.exists(b.resolve(".lock")), r::toString);

        // Old is locked after a; it is blocked, so a must be released again
        Files.createDirectory(b.resolve(".lock"));
        Cli.Result blocked = Cli.run("run", "--mode", "lockfile", "--timeout", "0", b.toString(), a.toString(), "--",
                "true");
        assertEquals(ExitCodes.TEMP_FAIL, blocked.exit(), blocked::toString);
        assertFalse(Files.exists(a.resolve(".lock")), "nothing stays locked when one folder fails\n" + blocked);

        // a word before -- that is no folder: the one-folder form, with a hint
        Cli.Result typo = Cli.run("run", a.toString(), scratch.resolve("nope").toString(), "--", "true");
        assertEquals(ExitCodes.NOT_FOUND, typo.exit(), typo::toString);
        assertTrue(typo.err().contains("it is not an existing folder"), typo::toString);
    }

    @Test
    void backgroundProcessesOfCommandKeepTheLock() throws Exception {
        Path log = scratch.resolve("log");
        Cli.Result r = Cli.run("run", "--mode", "lockfile", dir.toString(), "--", "sh", "-c",
                "(sleep 1; echo background-done >> \"$0\") & echo command-done >> \"$0\"", log.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(List.of("command-done", "background-done"), Files.readAllLines(log),
                "astlock ended only after the background process\n" + r);
        assertFalse(Files.exists(dir.resolve(".lock")));
    }

    @Test
    void sigtermWaitsForAGrandchildThatOutlivesIt() throws Exception {
        Path log = scratch.resolve("log");
        Path gpid = scratch.resolve("grandchild.pid");
        // the grandchild ignores SIGTERM and keeps writing until it is killed after the grace period
        String grandchild = "trap '' TERM; echo $$ > \"$1\"; i=0; while [ $i -lt 600 ]; do echo tick >> \"$0\";"
                + " i=$((i+1)); sleep 0.02; done";
        try (Cli holder = Cli.start("run", "--mode", "lockfile", dir.toString(), "--", "sh", "-c",
                "sh -c \"$2\" \"$0\" \"$1\" & wait", log.toString(), gpid.toString(), grandchild)) {
            Cli.waitFor("the grandchild to start", LONG, () -> Files.exists(log) && gpid.toFile().length() > 0);
            long grandchildPid = Long.parseLong(Files.readString(gpid).strip());
            holder.process.toHandle().destroy(); // SIGTERM
            Cli.Result next = Cli.run("run", "--mode", "lockfile", "--timeout", "50s", dir.toString(), "--", "sh", "-c",
                    "echo next-holder >> \"$0\"", log.toString());
            assertEquals(0, next.exit(), next::toString);
            Cli.Result first = holder.awaitExit(LONG);
            assertEquals(143, first.exit(), first::toString);
            List<String> lines = Files.readAllLines(log);
            assertEquals("next-holder", lines.get(lines.size() - 1),
                    "the grandchild wrote after the next holder entered\n" + first + "\n" + next);
            assertTrue(lines.size() > 1);
            assertFalse(alive(grandchildPid), "grandchild still runs");
            assertTrue(first.err().contains("killing"), "it ignored SIGTERM and was killed\n" + first);
        }
    }

    @Test
    void sigkillOfAstlockStopsCommandBeforeBreakStaleAdmitsAnyone() throws Exception {
        Path pids = scratch.resolve("pids");
        try (Cli holder = Cli.start("run", "--mode", "lockfile", dir.toString(), "--", "sh", "-c",
                "sleep 600 & echo $$ $! > \"$0\"; wait", pids.toString())) {
            Cli.waitFor("COMMAND to start", LONG, () -> read(pids).endsWith("\n") && read(pids).contains(" "));
            String[] p = Files.readString(pids).strip().split(" ");
            long command = Long.parseLong(p[0]);
            long grandchild = Long.parseLong(p[1]);
            assertTrue(alive(command) && alive(grandchild));
            holder.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            holder.process.waitFor();
            assertTrue(Files.exists(dir.resolve(".lock")), "a killed owner leaves .lock");
            Cli.Result br = Cli.run("break-stale", "--dead-owner", "--yes", dir.toString());
            assertEquals(ExitCodes.OK, br.exit(), br::toString);
            assertFalse(alive(command) || alive(grandchild),
                    "break-stale admitted the next holder while COMMAND still ran\n" + br);
            assertTrue(CommandSession.sessionMembers(command).isEmpty(), "COMMAND's session is gone");
        }
    }

    @Test
    void bothModeWaitLineNamesTheHolderNotItself() throws Exception {
        Path flag = scratch.resolve("release");
        try (Cli holder = Cli.start(RunInteropTest.concat(new String[] {"run", "--mode", "lockfile", dir.toString(),
                "--"}, RunInteropTest.holdUntil(flag)));
             Cli waiter = awaitHeldThenStartWaiter(holder)) {
            Cli.Line line = waiter.awaitErr(l -> l.contains("waiting for"), LONG);
            assertTrue(line.text().contains("astlock pid " + holder.process.pid()), line.text());
            assertFalse(line.text().contains("pid " + waiter.process.pid()), "names itself: " + line.text());
            Files.createFile(flag);
            assertEquals(0, holder.awaitExit(LONG).exit());
            assertEquals(0, waiter.awaitExit(LONG).exit());
        }
    }

    private Cli awaitHeldThenStartWaiter(Cli holder) throws Exception {
        Cli.waitFor(".lock to appear", LONG, () -> Files.exists(dir.resolve(".lock")));
        return Cli.start("run", "--mode", "both", "--timeout", "50s", dir.toString(), "--", "true");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Alive and not a zombie. */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
