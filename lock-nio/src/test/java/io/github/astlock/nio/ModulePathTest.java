package io.github.astlock.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.PathLocker;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module descriptors work: on the module path, lock-api finds lock-nio through 'provides'. */
class ModulePathTest {
    @TempDir
    Path dir;

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void providesInModuleInfoIsFoundOnTheModulePath() throws Exception {
        String modulePath = String.join(File.pathSeparator, location(PathLocker.class), location(NioBackendProvider.class),
                location(org.slf4j.LoggerFactory.class));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath, "--add-modules", "io.github.astlock.nio",
                "-cp", location(io.github.astlock.nio.probe.ModulePathProbe.class),
                io.github.astlock.nio.probe.ModulePathProbe.class.getName(), dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("named=true/io.github.astlock.nio"), out);
        assertTrue(out.contains("backends=[nio]"), out);
        assertTrue(out.contains("locked=true"), out);
        assertEquals(List.of(), Files.list(dir).toList());
    }
}
