package io.github.astlock.jnr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.FileOps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Helpers shared by the tests. */
final class TestSupport {
    private TestSupport() {
    }

    /** @return the operations of the (usable) provider found here */
    static JnrFileOps ops() {
        JnrBackendProvider p = new JnrBackendProvider();
        assertTrue(p.availability().usable(), () -> "jnr backend unusable: " + p.availability().reason());
        FileOps ops = p.fileOps();
        return (JnrFileOps) ops;
    }

    /** The outcome of a child process. */
    static final class Result {
        final int exit;
        final String out;

        Result(int exit, String out) {
            this.exit = exit;
            this.out = out;
        }

        /** @return the value of the first {@code key=} line, or {@code null} */
        String value(String key) {
            for (String line : out.split("\n")) {
                if (line.startsWith(key + "=")) {
                    return line.substring(key.length() + 1);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "exit " + exit + ", output:\n" + out;
        }
    }

    /**
     * Runs a command, stdout and stderr merged, and waits for it.
     *
     * @param timeoutSeconds how long to wait before killing it
     * @param command the command
     * @return the exit code and output
     */
    static Result run(long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(buf);
            } catch (IOException ignored) {
                // the process died; what was read is kept
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            reader.join(5000);
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s; output:\n"
                    + buf.toString(StandardCharsets.UTF_8));
        }
        reader.join(5000);
        return new Result(p.exitValue(), buf.toString(StandardCharsets.UTF_8));
    }

    /** @return the command to start a JVM like this one, up to (and excluding) the main class */
    static List<String> javaCommand(String... jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }

    /** @return the number of open descriptors of this process */
    static int openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    /**
     * The descriptors of this process open on {@code file} (by the path the kernel reports for
     * them): unlike {@link #openDescriptors()}, not moved by descriptors the JVM opens for itself
     * meanwhile (a jar, a log) on a busy machine.
     */
    static int openDescriptorsTo(Path file) throws IOException {
        String target = file.toAbsolutePath().toString();
        int n = 0;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    String to = Files.readSymbolicLink(fd).toString();
                    if (to.equals(target) || to.equals(target + " (deleted)")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile (the listing's own descriptor, for one)
                }
            }
        }
        return n;
    }
}
