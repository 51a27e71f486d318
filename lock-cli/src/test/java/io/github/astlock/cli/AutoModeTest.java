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
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --mode auto}: the mode comes from asterisk.conf, and it is checked by which lock file
 * exists on disk while {@code run} holds ({@code lock} for flock, {@code .lock} for lockfile).
 * Also the REC-2 warning when the configuration changed after Asterisk started.
 */
class AutoModeTest {
    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    private static Path resource(String name) throws Exception {
        return Path.of(AutoModeTest.class.getResource("/conf/" + name).toURI());
    }

    /** Runs {@code ls -a DIR} under the lock and returns the names seen. */
    private Set<String> namesWhileHeld(String... options) throws Exception {
        String[] args = RunInteropTest.concat(RunInteropTest.concat(new String[] {"run"}, options), dir.toString(),
                "--", "ls", "-a", dir.toString());
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), r::toString);
        return r.out().lines().collect(Collectors.toSet());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "flock.conf, lock",
        "lockfile.conf, .lock",
        "invalid-value.conf, .lock",
        "invalid-file.conf, .lock",
        "no-such-asterisk.conf, .lock"})
    void modeFromAsteriskConf(String conf, String expected) throws Exception {
        Path file = conf.startsWith("no-such") ? scratch.resolve(conf) : resource(conf);
        Set<String> names = namesWhileHeld("--conf", file.toString()); // --mode auto is the default
        assertTrue(names.contains(expected), conf + ": expected " + expected + " while held, saw " + names);
        String other = expected.equals("lock") ? ".lock" : "lock";
        assertFalse(names.contains(other), conf + ": " + other + " must not exist, saw " + names);
    }

    private Path confWithRunDir(Path runDir) throws Exception {
        return Files.writeString(scratch.resolve("asterisk.conf"),
                "[directories]\nastrundir => " + runDir + "\n[options]\nlockmode = lockfile\n");
    }

    private Cli.Result runAuto(Path conf, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(more));
        args.addAll(List.of("run", "--conf", conf.toString(), dir.toString(), "--", "true"));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    @Test
    void warnsWhenTheConfigurationChangedAfterAsteriskStarted() throws Exception {
        Path runDir = Files.createDirectory(scratch.resolve("run"));
        Process asterisk = new ProcessBuilder("sleep", "30").start(); // stands in for a running Asterisk
        try {
            Files.writeString(runDir.resolve("asterisk.pid"), asterisk.pid() + "\n");
            Thread.sleep(100);
            Path conf = confWithRunDir(runDir); // written after "Asterisk" started
            Cli.Result r = runAuto(conf);
            assertTrue(r.err().contains("the mode Asterisk really uses may differ; restart Asterisk or pass --mode"),
                    r::toString);
            assertTrue(r.err().contains(conf.toString()) && r.err().contains("pid " + asterisk.pid()), r::toString);

            Files.setLastModifiedTime(conf, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            Cli.Result older = runAuto(conf, "-v");
            assertFalse(older.err().contains("may differ"), older::toString);
            assertTrue(older.err().contains("after every file of its configuration changed"), older::toString);
        } finally {
            asterisk.destroyForcibly();
        }
    }

    @Test
    void noWarningWhenAsteriskDoesNotRun() throws Exception {
        Path runDir = Files.createDirectory(scratch.resolve("run"));
        Path conf = confWithRunDir(runDir);
        Cli.Result noPidFile = runAuto(conf, "-v");
        assertFalse(noPidFile.err().contains("may differ"), noPidFile::toString);
        assertTrue(noPidFile.err().contains("Asterisk does not seem to run"), noPidFile::toString);

        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(runDir.resolve("asterisk.pid"), gone.pid() + "\n");
        Cli.Result notRunning = runAuto(conf, "-v");
        assertFalse(notRunning.err().contains("may differ"), notRunning::toString);
        assertTrue(notRunning.err().contains("is not running"), notRunning::toString);
    }
}
