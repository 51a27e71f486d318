package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code astlock run}'s exit statuses and its handling of signals, each in a real process. */
class RunExitCodeTest {
    private static final Duration LONG = Duration.ofSeconds(60); // generous: a loaded machine starts JVMs slowly

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    @Test
    void passesTheCommandsExitStatusThrough() throws Exception {
        Cli.Result r = Cli.run("run", dir.toString(), "--", "sh", "-c", "test -e \"$0/.lock\" && exit 7", dir.toString());
        assertEquals(7, r.exit(), "the command ran under the lock and its status came through\n" + r);
        assertFalse(Files.exists(dir.resolve(".lock")));
    }

    @Test
    void commandKilledBySignalGives128PlusSignal() throws Exception {
        Cli.Result r = Cli.run("run", dir.toString(), "--", "sh", "-c", "kill -KILL $$");
        assertEquals(128 + 9, r.exit(), r::toString);
        assertFalse(Files.exists(dir.resolve(".lock")));
    }

    @Test
    void usageErrorsExit64() throws Exception {
        Cli.Result noCommand = Cli.run("run", dir.toString());
        assertEquals(ExitCodes.USAGE, noCommand.exit(), noCommand::toString);
        assertTrue(noCommand.err().contains("no COMMAND"), noCommand::toString);
        Cli.Result badDuration = Cli.run("run", "--timeout", "5 parsecs", dir.toString(), "--", "true");
        assertEquals(ExitCodes.USAGE, badDuration.exit(), badDuration::toString);
        assertTrue(badDuration.err().contains("invalid duration '5 parsecs'"), badDuration::toString);
        assertFalse(Files.exists(dir.resolve(".lock")));
    }

    @Test
    void missingDirectoryExits73() throws Exception {
        Cli.Result r = Cli.run("run", dir.resolve("no-such-folder").toString(), "--", "true");
        assertEquals(ExitCodes.CANT_CREATE, r.exit(), r::toString);
        assertTrue(r.err().contains("directory not found"), r::toString);
    }

    @Test
    void commandNotFoundExits127AndNotExecutable126() throws Exception {
        Cli.Result missing = Cli.run("run", dir.toString(), "--", "astlock-no-such-command-here");
        assertEquals(ExitCodes.NOT_FOUND, missing.exit(), missing::toString);
        Path script = Files.writeString(scratch.resolve("not-executable"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result denied = Cli.run("run", dir.toString(), "--", script.toString());
        assertEquals(ExitCodes.CANNOT_EXECUTE, denied.exit(), denied::toString);
        assertFalse(Files.exists(dir.resolve(".lock")), "the lock is released when COMMAND cannot start");
    }

    @Test
    void lockLostWhileTheCommandRunsIsReported() throws Exception {
        // the command itself does what Asterisk's blind unlock (ast_unlock_path) would do
        Cli.Result ok = Cli.run("run", "--mode", "lockfile", dir.toString(), "--", "sh", "-c", "rm \"$0/.lock\"",
                dir.toString());
        assertEquals(ExitCodes.SOFTWARE, ok.exit(), ok::toString);
        assertTrue(ok.err().contains("lost"), ok::toString);
        Cli.Result failed = Cli.run("run", "--mode", "lockfile", dir.toString(), "--", "sh", "-c",
                "rm \"$0/.lock\"; exit 3", dir.toString());
        assertEquals(3, failed.exit(), "a failing command's own status wins\n" + failed);
        assertTrue(failed.err().contains("lost"), failed::toString);
    }

    @Test
    void refusedLockExits69() throws Exception {
        Files.createSymbolicLink(dir.resolve("lock"), scratch.resolve("elsewhere"));
        Cli.Result symlink = Cli.run("run", "--mode", "flock", "--timeout", "0", dir.toString(), "--", "true");
        assertEquals(ExitCodes.UNAVAILABLE, symlink.exit(), symlink::toString);
        Cli.Result nio = Cli.run("run", "--mode", "flock", "--backend", "nio", scratch.toString(), "--", "true");
        assertEquals(ExitCodes.UNAVAILABLE, nio.exit(), nio::toString);
        assertTrue(nio.err().contains("nio"), nio::toString);
        Cli.Result unknown = Cli.run("run", "--backend", "no-such-backend", scratch.toString(), "--", "true");
        assertEquals(ExitCodes.UNAVAILABLE, unknown.exit(), unknown::toString);
    }

    @Test
    void sigtermStopsTheCommandThenReleasesTheLock() throws Exception {
        Path pidFile = scratch.resolve("command.pid");
        try (Cli cli = Cli.start("run", "--mode", "lockfile", dir.toString(), "--", "sh", "-c",
                "echo $$ > \"$0\"; exec sleep 30", pidFile.toString())) {
            Cli.waitFor("the command to start", LONG, () -> Files.exists(pidFile) && pidFile.toFile().length() > 0);
            assertTrue(Files.exists(dir.resolve(".lock")));
            long commandPid = Long.parseLong(Files.readString(pidFile).strip());
            // SIGTERM; Process.destroy() would also close our ends of its pipes and lose its last words
            cli.process.toHandle().destroy();
            Cli.Result r = cli.awaitExit(LONG);
            assertEquals(128 + 15, r.exit(), r::toString);
            assertFalse(Files.exists(dir.resolve(".lock")), "the lock must be released\n" + r);
            assertFalse(ProcessHandle.of(commandPid).map(ProcessHandle::isAlive).orElse(false),
                    "the command must have been stopped\n" + r);
            assertTrue(r.err().contains("sending SIGTERM"), r::toString);
        }
    }
}
