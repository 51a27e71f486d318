package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.tck.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed launcher script {@code lock-cli/astlock}, and its start-up cache: the first run
 * records a class archive (an AppCDS archive, or an AOT cache on Java 25 and later) into a
 * per-user folder, later runs use it, and a damaged, cut-off or stale archive, or none at all,
 * never changes what astlock does. The shaded jar does not exist yet when tests run (it is made
 * in {@code package}), so the script is pointed with {@code ASTLOCK_JAR} at a jar of the test
 * class path with the same main class (class archives take classes from jars only, so the class
 * folders are copied into it).
 */
class LauncherTest {
    private static final Path SCRIPT = Path.of(System.getProperty("basedir", "."), "astlock").toAbsolutePath();
    /** Generous: a first run with the cache also records the archive, which takes seconds on a loaded machine. */
    private static final long WAIT_SECONDS = 300;

    @TempDir
    static Path jarDir;
    static Path jar;

    @TempDir
    Path dir;

    @TempDir
    Path cache;

    @TempDir
    Path otherCache;

    @BeforeAll
    static void jarOfTheClassPath() throws Exception {
        List<String> jars = new ArrayList<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, ByteArrayOutputStream> services = new LinkedHashMap<>();
        for (String e : ChildJvm.classPath().split(File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath();
            if (Files.isDirectory(p)) {
                copyFolder(p, files, services);
            } else if (Files.isRegularFile(p)) {
                jars.add(p.toUri().toString());
            }
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, AstlockCli.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", jars));
        jar = jarDir.resolve("astlock.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                out.putNextEntry(new JarEntry(f.getKey()));
                out.write(f.getValue());
            }
            for (Map.Entry<String, ByteArrayOutputStream> s : services.entrySet()) {
                out.putNextEntry(new JarEntry(s.getKey()));
                s.getValue().writeTo(out);
            }
        }
    }

    private static void copyFolder(Path root, Map<String, byte[]> files, Map<String, ByteArrayOutputStream> services)
            throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(Files::isRegularFile).collect(Collectors.toList())) {
                String name = root.relativize(f).toString().replace(File.separatorChar, '/');
                if (name.equals("META-INF/MANIFEST.MF") || name.endsWith("module-info.class")) {
                    continue;
                }
                if (name.startsWith("META-INF/services/")) {
                    ByteArrayOutputStream merged = services.computeIfAbsent(name, k -> new ByteArrayOutputStream());
                    merged.write(Files.readAllBytes(f));
                    merged.write('\n');
                } else {
                    files.putIfAbsent(name, Files.readAllBytes(f));
                }
            }
        }
    }

    private static Process start(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("ASTLOCK_JAR", jar.toString());
        // no start-up cache unless a test asks for one; never the user's own
        pb.environment().put("ASTLOCK_CACHE", "off");
        pb.environment().remove("ASTLOCK_JAVA_OPTS");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), out);
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

    /** Runs the script with the start-up cache in {@link #cache}; returns its exit status and output. */
    private record Run(int status, String out) {
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(Map.of("ASTLOCK_CACHE", cache.toString()));
        all.putAll(env);
        Process p = start(all, args);
        p.getOutputStream().close();
        String out = finish(p);
        return new Run(p.exitValue(), out);
    }

    /** {@code run DIR -- sh -c 'exit 7'}: the lock is taken, COMMAND runs, its status comes back. */
    private Run runSeven(Map<String, String> env) throws Exception {
        Path flag = dir.resolve("ran");
        Files.deleteIfExists(flag);
        Run r = run(env, "run", "--mode=lockfile", dir.toString(), "--", "sh", "-c",
                "test -e \"$0/.lock\" || exit 9; : > \"$0/ran\"; exit 7", dir.toString());
        assertEquals(7, r.status(), r.out());
        assertTrue(Files.exists(flag), r.out());
        assertFalse(Files.exists(dir.resolve(".lock")), r.out());
        return r;
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.getFileName().toString().matches(".*\\.(jsa|aot)")).sorted()
                    .collect(Collectors.toList());
        }
    }

    /** The archive in use shows in the class loading log: astlock's own classes come from it. */
    private static boolean fromArchive(Run r) {
        return r.out().lines().anyMatch(l -> l.contains(" " + AstlockCli.class.getName() + " source: shared objects file"));
    }

    private static void assertNoJvmComplaint(Run r) {
        assertFalse(r.out().contains("[warning]") || r.out().contains("[error"), "the JVM complained:\n" + r.out());
    }

    @Test
    void firstRunRecordsTheArchiveAndLaterRunsUseIt() throws Exception {
        Run first = runSeven(Map.of());
        assertNoJvmComplaint(first);
        List<Path> made = archives();
        assertEquals(1, made.size(), "one archive after the first run: " + made + "\n" + first.out());
        Run second = runSeven(Map.of("ASTLOCK_JAVA_OPTS", "-Xlog:class+load=info"));
        assertTrue(fromArchive(second), "the second run did not use " + made + ":\n" + second.out());
        assertEquals(made, archives(), "the second run must not record again");
    }

    @Test
    void runsWithoutAnArchiveWhenTheCacheIsOff() throws Exception {
        Run r = runSeven(Map.of("ASTLOCK_CACHE", "off", "ASTLOCK_JAVA_OPTS", "-Xlog:class+load=info"));
        assertFalse(fromArchive(r), r.out());
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(0, s.count(), "nothing may be written with the cache off");
        }
    }

    @Test
    void aDamagedArchiveOfTheRightSizeIsIgnoredQuietly() throws Exception {
        runSeven(Map.of());
        Path archive = archives().get(0);
        long size = Files.size(archive);
        archive.toFile().setWritable(true);
        byte[] garbage = new byte[(int) size];
        java.util.Arrays.fill(garbage, (byte) 0x5a);
        Files.write(archive, garbage);
        Run r = runSeven(Map.of("ASTLOCK_JAVA_OPTS", "-Xlog:class+load=info"));
        assertFalse(fromArchive(r), r.out());
        assertNoJvmComplaint(r);
    }

    @Test
    void aCutOffArchiveIsNotUsedButMadeAgain() throws Exception {
        runSeven(Map.of());
        Path archive = archives().get(0);
        archive.toFile().setWritable(true);
        byte[] half = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(half, half.length / 2));
        Run r = runSeven(Map.of());
        assertNoJvmComplaint(r);
        Run again = runSeven(Map.of("ASTLOCK_JAVA_OPTS", "-Xlog:class+load=info"));
        assertTrue(fromArchive(again), "a cut-off archive must be recorded again:\n" + again.out());
    }

    @Test
    void aRebuiltJarGetsANewArchiveAndTheStaleOneIsRemoved() throws Exception {
        runSeven(Map.of());
        List<Path> before = archives();
        FileTime old = Files.getLastModifiedTime(jar);
        try {
            Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
            runSeven(Map.of());
            List<Path> after = archives();
            assertEquals(1, after.size(), after.toString());
            assertFalse(after.equals(before), "a rebuilt jar needs a new archive: " + before + " " + after);
            Run r = runSeven(Map.of("ASTLOCK_JAVA_OPTS", "-Xlog:class+load=info"));
            assertTrue(fromArchive(r), r.out());
        } finally {
            Files.setLastModifiedTime(jar, old);
        }
    }

    @Test
    void aStaleArchiveUnderTheCurrentNameIsIgnoredQuietly() throws Exception {
        // an archive recorded for another jar, renamed to look current: the JVM's own check refuses it
        runSeven(Map.of());
        Path archive = archives().get(0);
        // another jar: the same classes and one more file, so its size differs
        Path other = jarDir.resolve("other.jar");
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(jar.toFile());
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(other), in.getManifest())) {
            for (JarEntry e : java.util.Collections.list(in.entries())) {
                if (!e.getName().equals("META-INF/MANIFEST.MF")) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    out.write(in.getInputStream(e).readAllBytes());
                }
            }
            out.putNextEntry(new JarEntry("another-jar.txt"));
            out.write("another jar".getBytes(StandardCharsets.UTF_8));
        }
        Run made = run(Map.of("ASTLOCK_JAR", other.toString(), "ASTLOCK_CACHE", otherCache.toString()), "--version");
        assertEquals(0, made.status(), made.out());
        Path foreign;
        try (Stream<Path> s = Files.list(otherCache)) {
            foreign = s.filter(p -> p.getFileName().toString().matches(".*\\.(jsa|aot)")).findFirst().orElseThrow();
        }
        archive.toFile().setWritable(true);
        Files.delete(archive);
        // keep the size in the name right, so only the JVM can tell
        String name = archive.getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.'));
        String stem = name.substring(0, name.lastIndexOf('-') + 1);
        Files.copy(foreign, cache.resolve(stem + Files.size(foreign) + ext));
        Run r = runSeven(Map.of("ASTLOCK_JAVA_OPTS", "-Xlog:class+load=info"));
        if (Runtime.version().feature() < 25) {
            // Java 17's check refuses it; Java 25 maps an AOT cache whose classes are the same
            assertFalse(fromArchive(r), r.out());
        }
        assertNoJvmComplaint(r);
    }
}
