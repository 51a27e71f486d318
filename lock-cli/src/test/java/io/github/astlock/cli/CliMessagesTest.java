package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockOwner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process checks of what {@code run} takes as COMMAND, the locking order of several folders,
 * {@code -V}, and the messages an administrator reads.
 */
class CliMessagesTest {
    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return new AstlockCli(new PrintWriter(out, true), new PrintWriter(err, true), false).execute(args);
    }

    @AfterEach
    void noHook() {
        BreakStaleCommand.beforeRename = null;
    }

    @Test
    void everythingAfterDirIsCommand() throws Exception {
        Path a = Files.createDirectory(scratch.resolve("a"));
        Path b = Files.createDirectory(scratch.resolve("b"));
        assertEquals(new RunCommand.Split(List.of("a"), List.of("touch", "f", "-h")),
                RunCommand.split(List.of("a", "touch", "f", "-h"), scratch));
        assertEquals(new RunCommand.Split(List.of("a"), List.of("echo", "-q", "hi")),
                RunCommand.split(List.of("a", "echo", "-q", "hi"), scratch));
        assertEquals(new RunCommand.Split(List.of("a"), List.of("echo", "--", "x")),
                RunCommand.split(List.of("a", "--", "echo", "--", "x"), scratch));
        assertEquals(new RunCommand.Split(List.of("a", "b"), List.of("cmd", "--timeout", "1")),
                RunCommand.split(List.of("a", "b", "--", "cmd", "--timeout", "1"), scratch));
        // a word before -- that is no folder: the one-folder form, and that word is COMMAND
        assertEquals(new RunCommand.Split(List.of("a"), List.of("rsync", "-a", "--", "b", "c")),
                RunCommand.split(List.of("a", "rsync", "-a", "--", "b", "c"), scratch));
        assertEquals(new RunCommand.Split(List.of("a"), List.of("b", "echo")),
                RunCommand.split(List.of("a", "b", "echo"), scratch), "several folders need --");
        assertEquals(new RunCommand.Split(List.of("a"), List.of()), RunCommand.split(List.of("a", "--"), scratch));
        assertTrue(Files.isDirectory(a) && Files.isDirectory(b));
    }

    @Test
    void severalFoldersWithoutDashDashAreAUsageHintNotASilentSuccess() {
        Path b = dir.resolve("b");
        assertTrue(b.toFile().mkdir());
        int status = execute("run", dir.toString(), b.toString(), "true");
        assertEquals(ExitCodes.CANNOT_EXECUTE, status, err::toString);
        assertTrue(err.toString().contains("put -- before COMMAND"), err::toString);
        assertFalse(Files.exists(dir.resolve(".lock")), "released after the refusal");
    }

    @Test
    void lockOrderIsFixedAndFollowsAsterisksNesting() throws Exception {
        Path box = Files.createDirectory(scratch.resolve("1234"));
        Path inbox = Files.createDirectory(box.resolve("INBOX"));
        Path old = Files.createDirectory(box.resolve("Old"));
        Path deleted = Files.createDirectory(box.resolve("Deleted"));
        Path work = Files.createDirectory(box.resolve("Work"));
        List<Path> one = LockOrder.sort(List.of(deleted.toString(), old.toString(), inbox.toString(), work.toString()));
        List<Path> two = LockOrder.sort(List.of(work.toString(), inbox.toString(), deleted.toString(), old.toString(),
                box.resolve("INBOX/../Old").toString()));
        assertEquals(4, one.size());
        assertEquals(4, two.size(), "the same folder under another spelling is locked once: " + two);
        assertEquals(one.stream().map(p -> p.getFileName().toString()).toList(),
                two.stream().map(p -> p.getFileName().toString()).toList(), "the order does not depend on the argument order");
        assertEquals(List.of("Old", "Deleted"), one.subList(2, 4).stream().map(p -> p.getFileName().toString()).toList());
        List<Path> missingFirst = LockOrder.sort(List.of(inbox.toString(), box.resolve("nope").toString()));
        assertEquals("nope", missingFirst.get(0).getFileName().toString(), "a folder that cannot be inspected comes first");
    }

    @Test
    void versionOnEveryCommand() {
        for (String cmd : List.of("run", "status", "break-stale", "demo", "backends")) {
            assertEquals(0, execute(cmd, "-V"), cmd);
            assertTrue(out.toString().startsWith("astlock "), cmd + " -V printed: " + out);
            assertEquals(0, execute(cmd, "--version"), cmd);
            assertTrue(out.toString().startsWith("astlock "), cmd + " --version printed: " + out);
        }
        assertEquals(0, execute("backends"));
        String first = out.toString().lines().findFirst().orElse("");
        assertTrue(first.startsWith("astlock " + AstlockCli.version() + " "), out::toString);
    }

    @Test
    void noJavaAdviceForAdministrators() {
        assertEquals(ExitCodes.UNAVAILABLE, execute("run", "--mode", "flock", "--backend", "nio", dir.toString(), "true"));
        String e = err.toString();
        assertTrue(e.contains("--backend jna"), e);
        assertFalse(e.contains("class path") || e.contains("io.github.astlock:"), e);
        assertEquals(ExitCodes.UNAVAILABLE, execute("status", "--backend", "no-such", dir.toString()));
        assertTrue(err.toString().contains("unknown backend 'no-such'"), err::toString);
        assertFalse(err.toString().contains("class path") || err.toString().contains("io.github.astlock:"), err::toString);
        assertEquals("cannot lock x: nio cannot; use --backend jna or --backend jnr (or leave --backend out), see"
                + " 'astlock backends'", Messages.forAdmin("cannot lock x: nio cannot; add io.github.astlock:lock-jna or"
                + " io.github.astlock:lock-jnr to the class path"));
    }

    @Test
    void statusErrorsSayInspectNotLock() {
        assertEquals(ExitCodes.CANT_CREATE, execute("status", dir.resolve("nope").toString()));
        assertTrue(err.toString().contains("cannot inspect " + dir.resolve("nope")), err::toString);
        assertFalse(err.toString().contains("cannot lock"), err::toString);
    }

    @Test
    void jsonErrorsAreJson() {
        assertEquals(ExitCodes.USAGE, execute("status", "--json"));
        Map<String, Object> usage = StatusTest.map(MiniJson.parse(out.toString()));
        assertEquals(64L, usage.get("exitCode"));
        assertNotNull(usage.get("error"));
        assertEquals(ExitCodes.UNAVAILABLE, execute("status", "--json", "--backend", "no-such", dir.toString()));
        Map<String, Object> backend = StatusTest.map(MiniJson.parse(out.toString()));
        assertEquals(69L, backend.get("exitCode"));
        assertTrue(((String) backend.get("error")).contains("unknown backend"), out::toString);
        assertEquals(ExitCodes.CANT_CREATE, execute("status", "--json", dir.resolve("nope").toString()));
        Map<String, Object> missing = StatusTest.map(((List<?>) MiniJson.parse(out.toString())).get(0));
        assertTrue(((String) missing.get("error")).startsWith("cannot inspect"), out::toString);
    }

    @Test
    void statusReportsASymlinkNamedLockAsAProblem() throws Exception {
        Files.createSymbolicLink(dir.resolve("lock"), scratch.resolve("elsewhere"));
        assertEquals(ExitCodes.UNAVAILABLE, execute("status", dir.toString()));
        assertTrue(out.toString().contains("PROBLEM") && out.toString().contains("symbolic link"), out::toString);
        assertFalse(out.toString().contains("free"), out::toString);
        assertEquals(ExitCodes.UNAVAILABLE, execute("status", "--json", dir.toString()));
        Map<String, Object> st = StatusTest.map(((List<?>) MiniJson.parse(out.toString())).get(0));
        assertTrue(((String) st.get("problem")).contains("symbolic link"), out::toString);
        assertEquals(ExitCodes.UNAVAILABLE, execute("run", "--mode", "flock", "--timeout", "0", dir.toString(), "true"),
                "run refuses what status reports as a problem");
        Files.delete(dir.resolve("lock"));
        assertEquals(ExitCodes.OK, execute("status", "--json", dir.toString()));
        assertNull(StatusTest.map(((List<?>) MiniJson.parse(out.toString())).get(0)).get("problem"));
    }

    @Test
    void breakStaleOnASymlinkSaysItIsNotARegularFile() throws Exception {
        Files.createSymbolicLink(dir.resolve(".lock"), scratch.resolve("elsewhere"));
        assertEquals(ExitCodes.HELD, execute("break-stale", "--older-than", "1s", "--dead-owner", "--yes",
                dir.toString()));
        assertTrue(out.toString().contains("not a regular file"), out::toString);
        assertFalse(out.toString().contains("not stale by the rule"), out::toString);
        assertTrue(Files.isSymbolicLink(dir.resolve(".lock")));
    }

    @Test
    void breakStaleDoesNotClaimABreakAnotherProcessMade() throws Exception {
        Path lock = dir.resolve(".lock");
        Files.write(lock, new LockOwner(exitedPid(), 1, LockOwner.thisHost(), "x", "t", Instant.now()).toBytes());
        // replay: another breaker removes the stale .lock just before ours moves it aside
        BreakStaleCommand.beforeRename = () -> {
            try {
                Files.deleteIfExists(lock);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        int status = execute("break-stale", "--dead-owner", "--yes", dir.toString());
        assertEquals(ExitCodes.HELD, status, out + "\n" + err);
        assertFalse(out.toString().contains("broke "), out::toString);
        assertTrue(out.toString().contains("removed or replaced by another process"), out::toString);

        BreakStaleCommand.beforeRename = null;
        Files.write(lock, new LockOwner(exitedPid(), 1, LockOwner.thisHost(), "x", "t", Instant.now()).toBytes());
        assertEquals(ExitCodes.OK, execute("break-stale", "--dead-owner", "--yes", dir.toString()), out::toString);
        assertTrue(out.toString().contains("broke " + lock), out::toString);
        assertFalse(Files.exists(lock));
    }

    private static long exitedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
