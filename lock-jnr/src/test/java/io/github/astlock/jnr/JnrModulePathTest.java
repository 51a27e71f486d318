package io.github.astlock.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend works with its jars on the module path (jnr-ffi, jffi and ASM as automatic or
 * named modules), in every mode, not only on the class path the other tests use, and binds the
 * same system calls there (jnr-ffi's generated binding must see the exported interface).
 */
class JnrModulePathTest {
    @TempDir
    Path dir;

    @Test
    void locksInEveryModeFromTheModulePath() throws Exception {
        String testClasses = Path.of(JnrModulePathTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        // everything the tests run with, except the test classes and the test framework
        String modulePath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.equals(testClasses) && !e.contains("junit") && !e.contains("opentest4j")
                        && !e.contains("apiguardian") && !e.contains("surefire"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath, "--add-modules", "io.github.astlock.jnr",
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-cp", testClasses, io.github.astlock.jnr.modcheck.ModuleMain.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("module: io.github.astlock.jnr"), out);
        assertTrue(out.contains("usable=true"), out);
        assertTrue(out.contains("*at calls"), "the *at system calls are bound on the module path too: " + out);
        assertTrue(out.contains("release watch: true"), "the inotify calls are bound on the module path too: " + out);
        for (String mode : List.of("LOCKFILE", "FLOCK", "BOTH")) {
            assertTrue(out.contains("locked " + mode + " true"), mode + ": " + out);
            assertTrue(out.contains("released " + mode + " true"), mode + ": " + out);
        }
        assertTrue(out.contains("OK"), out);
        System.out.println(out);
    }
}
