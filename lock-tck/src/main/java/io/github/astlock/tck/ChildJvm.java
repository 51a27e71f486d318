package io.github.astlock.tck;

import io.github.astlock.LockMode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Starts the backend under test in a child JVM on the same class path, running {@link TckChild}.
 * The child builds the backend with the same factory method as the test, so a backend that is
 * not registered for discovery is tested as well. The child gets this JVM's {@code astlock.*}
 * system properties and those the kit class names in
 * {@link TckSupport#childJvmSystemProperties()}, each with this JVM's value.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Starts a child.
     *
     * @param kit     the concrete kit class whose factory makes the backend
     * @param command {@code hold}, {@code try} or {@code count} (see {@link TckChild})
     * @param mode    the mode
     * @param dir     the directory
     * @param more    further arguments
     * @return the running child
     * @throws IOException when it cannot start
     */
    public static PeerProcess start(Class<?> kit, String command, LockMode mode, Path dir, String... more)
            throws IOException {
        return PeerProcess.start("child-jvm " + command + " " + mode.asteriskName(), null,
                command(List.of(), kit, command, mode, dir, more));
    }

    /**
     * The command line of a child, for callers that wrap it (for example in {@code setpriv}).
     *
     * @param prefix  words placed before the java executable
     * @param kit     the concrete kit class
     * @param command the child command
     * @param mode    the mode
     * @param dir     the directory
     * @param more    further arguments
     * @return the command line
     */
    public static List<String> command(List<String> prefix, Class<?> kit, String command, LockMode mode, Path dir,
                                       String... more) {
        return command(prefix, classPath(), kit, command, mode, dir, more);
    }

    static List<String> command(List<String> prefix, String classPath, Class<?> kit, String command, LockMode mode,
                                Path dir, String... more) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        inheritedProperties(kit).forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(TckChild.class.getName());
        cmd.add(kit.getName());
        cmd.add(command);
        cmd.add(mode.name());
        cmd.add(dir.toString());
        cmd.addAll(List.of(more));
        return cmd;
    }

    /**
     * The system properties a child of a kit class inherits: every {@code astlock.*} one and
     * those the kit class asks for, with this JVM's values.
     *
     * @param kit the concrete kit class
     * @return property names and values, sorted by name
     */
    static java.util.SortedMap<String, String> inheritedProperties(Class<?> kit) {
        Set<String> wanted = new LinkedHashSet<>();
        wanted.add("astlock.*");
        if (TckSupport.class.isAssignableFrom(kit)) {
            try {
                var ctor = kit.getDeclaredConstructor();
                ctor.setAccessible(true);
                wanted.addAll(((TckSupport) ctor.newInstance()).childJvmSystemProperties());
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new AssertionError("cannot ask " + kit.getName() + " which system properties its child JVMs "
                        + "need (a kit class needs a no-argument constructor): " + e, e);
            }
        }
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            for (String w : wanted) {
                boolean match = w.endsWith(".*") ? name.startsWith(w.substring(0, w.length() - 1)) : name.equals(w);
                if (match) {
                    out.put(name, System.getProperty(name));
                }
            }
        }
        return out;
    }

    /**
     * This JVM's class path and module path as one class path, with Surefire's manifest-only
     * booter jar expanded.
     *
     * @return the class path
     */
    public static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : new String[] {"java.class.path", "jdk.module.path"}) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                continue;
            }
            for (String e : value.split(File.pathSeparator)) {
                if (e.isBlank()) {
                    continue;
                }
                entries.add(e);
                entries.addAll(manifestClassPath(Path.of(e)));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static List<String> manifestClassPath(Path jar) {
        List<String> out = new ArrayList<>();
        if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
            return out;
        }
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null) {
                return out;
            }
            for (String url : cp.trim().split("\\s+")) {
                try {
                    java.net.URI uri = jar.toUri().resolve(url);
                    out.add(Path.of(uri).toString());
                } catch (RuntimeException e) {
                    // not a file URL; ignore
                }
            }
        } catch (IOException e) {
            // not a readable jar; keep the entry as it is
        }
        return out;
    }
}
