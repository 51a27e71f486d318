package io.github.astlock.jna;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.Availability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared helpers of the backend's tests. */
final class TestSupport {
    private static final JnaBackendProvider PROVIDER = new JnaBackendProvider();

    private TestSupport() {
    }

    /** @return the operations of a provider that must be usable on the build machine */
    static JnaFileOps ops() {
        Availability a = PROVIDER.availability();
        assertTrue(a.usable(), () -> "the jna backend must be usable on the build machine: " + a.reason());
        return (JnaFileOps) PROVIDER.fileOps();
    }

    /** @return the real C library binding */
    static LibC libc() {
        ops();
        return new JnaLibC(com.sun.jna.NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME));
    }

    /** @return the number of open descriptors of this process */
    static int openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    /**
     * The open descriptors of this process that refer to a file under a directory (including
     * unlinked ones, shown as {@code "... (deleted)"}): unlike the total, immune to descriptors
     * the JVM, JUnit or a child process's pipes open and close meanwhile.
     *
     * @param dir the directory
     * @return their number
     */
    static int openFdsUnder(Path dir) throws IOException {
        String prefix = dir.toString() + "/";
        int n = 0;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(prefix)) {
                        n++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed after the listing
                }
            }
        }
        return n;
    }

    /** @return the {@code flags:} line of {@code /proc/self/fdinfo/FD}, as a number */
    static int fdFlags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new AssertionError("no flags in /proc/self/fdinfo/" + fd);
    }

    /**
     * Runs a command to completion.
     *
     * @return its exit status
     */
    static int run(String... command) throws IOException, InterruptedException {
        // no pipes: their descriptors would close asynchronously and disturb descriptor counts
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + List.of(command));
        }
        return p.exitValue();
    }

    /** Runs a command and returns its combined output; fails unless it exits with {@code expected}. */
    static String output(int expected, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != expected) {
            throw new AssertionError(command + " exited with " + p.exitValue() + ", expected " + expected + ":\n" + text);
        }
        return text;
    }

    /** Makes a FIFO with mkfifo(1). */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        if (run("mkfifo", path.toString()) != 0) {
            throw new AssertionError("mkfifo " + path + " failed");
        }
        return path;
    }

    /** @return the java executable of this JVM */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
