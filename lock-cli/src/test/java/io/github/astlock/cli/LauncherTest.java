package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.tck.ChildJvm;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed launcher script {@code lock-cli/astlock}. The shaded jar does not exist yet when
 * tests run (it is made in {@code package}), so the script is pointed with {@code ASTLOCK_JAR}
 * at a manifest-only jar with the same main class and the test class path.
 */
class LauncherTest {
    private static final Path SCRIPT = Path.of(System.getProperty("basedir", "."), "astlock").toAbsolutePath();

    @TempDir
    static Path jarDir;
    static Path jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void manifestOnlyJar() throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, AstlockCli.class.getName());
        List<String> urls = new ArrayList<>();
        for (String e : ChildJvm.classPath().split(File.pathSeparator)) {
            urls.add(Path.of(e).toAbsolutePath().toUri().toString());
        }
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        jar = jarDir.resolve("astlock.jar");
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.flush();
        }
    }

    private static Process start(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("ASTLOCK_JAR", jar.toString());
        // the start-up cache of these runs (see LauncherCacheTest) stays out of the user's home
        pb.environment().put("ASTLOCK_CACHE", jarDir.resolve("cache").toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
        return out;
    }

    @Test
    void isExecutableAndPassesArgumentsAndExitStatus() throws Exception {
        assertTrue(Files.isExecutable(SCRIPT), SCRIPT + " must be executable");
        Process p = start(Map.of(), "run", dir.toString(), "--", "sh", "-c", "test \"$1\" = 'a  b' && exit 7", "sh",
                "a  b");
        String out = finish(p);
        assertEquals(7, p.exitValue(), out);
    }

    @Test
    void execsSoSigtermReachesTheJvm() throws Exception {
        Path flag = dir.resolve("started");
        Process p = start(Map.of(), "run", dir.toString(), "--", "sh", "-c", ": > \"$0\"; exec sleep 30",
                flag.toString());
        Cli.waitFor("the command to start", Duration.ofSeconds(60), () -> Files.exists(flag));
        String command = p.info().command().orElse("");
        assertTrue(command.endsWith("/java"), "the script must exec java, so its pid is the JVM's: " + command);
        p.toHandle().destroy(); // SIGTERM, keeping the output pipe open
        String out = finish(p);
        assertEquals(143, p.exitValue(), out);
        assertFalse(Files.exists(dir.resolve(".lock")), out);
    }

    @Test
    void reportsAMissingJavaOrJar() throws Exception {
        Process noJava = start(Map.of("JAVA_HOME", dir.resolve("no-java").toString()), "--version");
        String out = finish(noJava);
        assertEquals(69, noJava.exitValue(), out);
        assertTrue(out.contains("java not found"), out);
        Process noJar = start(Map.of("ASTLOCK_JAR", dir.resolve("missing.jar").toString()), "--version");
        String out2 = finish(noJar);
        assertEquals(69, noJar.exitValue(), out2);
        assertTrue(out2.contains("astlock.jar not found"), out2);
    }
}
