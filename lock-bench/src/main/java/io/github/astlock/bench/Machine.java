package io.github.astlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The facts about the machine a run was made on. */
final class Machine {
    private Machine() {
    }

    /**
     * A Markdown list: processors, kernel, JDK, the file system of the scratch folder, load.
     *
     * @param dir    the scratch folder
     * @param java25 the Java 25 used for the CLI start-up, or a word saying there was none
     * @return the text
     */
    static String describe(Path dir, String java25) {
        StringBuilder sb = new StringBuilder();
        sb.append("- processors: ").append(Runtime.getRuntime().availableProcessors()).append(cpuModel()).append('\n');
        sb.append("- kernel: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch")).append('\n');
        sb.append("- JDK: ").append(System.getProperty("java.vm.vendor")).append(' ')
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
                .append('\n');
        sb.append("- Java 25 for the CLI start-up: ").append(java25).append('\n');
        sb.append("- file system of the lock folders: ").append(fileSystem(dir)).append('\n');
        sb.append("- load average at the end: ").append(firstLine(Path.of("/proc/loadavg"))).append('\n');
        return sb.toString();
    }

    private static String cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> " × " + l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String fileSystem(Path dir) {
        try {
            var store = Files.getFileStore(dir);
            return store.type() + " (" + dir.getParent() + ")";
        } catch (IOException e) {
            return "unknown (" + e + ")";
        }
    }

    /**
     * The version line of a JDK.
     *
     * @param javaHome the JDK's folder
     * @return its {@code java -version} first line, or "unknown"
     */
    static String version(String javaHome) {
        try {
            Process p = new ProcessBuilder(Path.of(javaHome, "bin", "java").toString(), "-version")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String firstLine(Path p) {
        try {
            return Files.readAllLines(p).get(0);
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
