package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The usual {@code run} command line read without picocli gives exactly what picocli gives, and
 * everything else is left to picocli.
 */
class QuickRunTest {
    @TempDir
    Path dir;

    private final Io io = new Io(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), false);

    /** What picocli sets for a command line (null: a usage error), as text. */
    private String picocli(String... args) {
        CommandLine cl = new AstlockCli(io.out, io.err, false).commandLine(args);
        CommandLine.ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return null;
        }
        if (parsed.subcommand() == null || !(parsed.subcommand().commandSpec().userObject() instanceof RunCommand)) {
            return null;
        }
        return AstlockCli.level(parsed) + " " + describe((RunCommand) parsed.subcommand().commandSpec().userObject());
    }

    private static String describe(RunCommand run) {
        return "mode=" + run.modes.mode.value() + " conf=" + run.modes.conf.value() + " timeout=" + run.timeout.value()
                + " backend=" + run.backend.id.value() + " quiet=" + run.quiet.value() + " words=" + run.words.value();
    }

    private void same(String... args) throws Exception {
        QuickRun quick = QuickRun.parse(args, io);
        assertNotNull(quick, () -> "declined: " + Arrays.toString(args));
        assertEquals(picocli(args), quick.level + " " + describe(quick.run), Arrays.toString(args));
        RunCommand.Split split = RunCommand.split(quick.run.words.value(), Path.of(""));
        assertEquals(split, quick.split);
    }

    private void declined(String... args) {
        assertNull(QuickRun.parse(args, io), () -> "not declined: " + Arrays.toString(args));
    }

    @Test
    void readsWhatPicocliReads() throws Exception {
        String d = dir.toString();
        Path other = Files.createDirectory(dir.resolve("Old"));
        same("run", d, "--", "true");
        same("run", d, "true");
        same("run", "--mode", "lockfile", d, "--", "true");
        same("run", "--mode=FLOCK", d, "--", "true");
        same("run", "--mode=auto", "--conf=/nonexistent/asterisk.conf", d, "--", "true");
        same("run", "--conf", "rel/asterisk.conf", d, "--", "true");
        same("run", "--timeout", "0", d, "--", "true");
        same("run", "--timeout=1.5s", "--backend", "nio", "-q", d, "--", "sh", "-c", "", "--", "x");
        same("run", "--quiet", "--backend=jnr", "--timeout=2m", "--mode", "both", d, "touch", "f", "-h", "--mode=x");
        same("-v", "run", d, "--", "true");
        same("--debug", "run", "-q", d, "--", "true");
        same("-v", "--debug", "run", d, "--", "true");
        same("run", "--verbose", d, "--", "true");
        same("run", d, other.toString(), "--", "true");
        same("run", d, "nonexistent", "--", "true");
        same("run", d, "", "--", "");
        same("run", d, "--", "--", "true");
        same("run", "--debug", "-v", d, "true");
        assertEquals(Logging.Level.INFO, QuickRun.parse(new String[] {"-v", "run", d, "true"}, io).level);
    }

    @Test
    void leavesEverythingElseToPicocli() throws Exception {
        String d = dir.toString();
        List<String[]> declined = new ArrayList<>(List.of(
            new String[] {},
            new String[] {"run"},
            new String[] {"run", d},
            new String[] {"run", d, "--"},
            new String[] {"run", "--", d, "true"},
            new String[] {"run", "", "true"},
            new String[] {"run", "-h"},
            new String[] {"run", "--help", d, "true"},
            new String[] {"run", "-V", d, "true"},
            new String[] {"-h", "run", d, "true"},
            new String[] {"status", d},
            new String[] {"bogus", "run", d, "true"},
            new String[] {"run", "-qv", d, "true"},
            new String[] {"run", "-q", "-q", d, "true"},
            new String[] {"-v", "run", "-v", d, "true"},
            new String[] {"run", "--mode", "lockfile", "--mode", "flock", d, "true"},
            new String[] {"run", "--timeout", "1s", "--timeout=2s", d, "true"},
            new String[] {"run", "--conf=a", "--conf", "b", d, "true"},
            new String[] {"run", "--backend=jna", "--backend=jnr", d, "true"},
            new String[] {"run", "--mode", d},
            new String[] {"run", "--mode"},
            new String[] {"run", "--mode=", d, "true"},
            new String[] {"run", "--mode", "-x", d, "true"},
            new String[] {"run", "--mode", "sideways", d, "--", "true"},
            new String[] {"run", "--timeout", "5x", d, "--", "true"},
            new String[] {"run", "--timeout", "-1s", d, "--", "true"},
            new String[] {"run", "--quiet=true", d, "true"},
            new String[] {"run", "--mod", "flock", d, "true"},
            new String[] {"run", "--bogus", d, "true"},
            new String[] {"run", "-", "true"}));
        for (String[] args : declined) {
            declined(args);
        }
        // what picocli itself refuses among them
        for (String[] args : List.of(new String[] {"run", "-q", "-q", d, "true"},
                new String[] {"run", "--mode", "lockfile", "--mode", "flock", d, "true"},
                new String[] {"run", "--mode", "sideways", d, "--", "true"}, new String[] {"run", "--bogus", d, "true"},
                new String[] {"-v", "-v", "run", d, "true"})) {
            assertNull(picocli(args), () -> "picocli accepts " + Arrays.toString(args));
        }
        System.setProperty("picocli.trimQuotes", "true");
        try {
            declined("run", d, "--", "true");
        } finally {
            System.clearProperty("picocli.trimQuotes");
        }
        same("run", d, "--", "true");
    }
}
