package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.astlock.tck.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the astlock command in a child JVM on the test class path, as a user would run it: its
 * own process, its own pid, real signals. Output lines are time-stamped as they arrive.
 */
final class Cli implements AutoCloseable {
    /** One line of output and when it arrived ({@link System#nanoTime()}). */
    record Line(long nanos, String text) {
    }

    /** The outcome of a finished run. */
    record Result(int exit, String out, String err, Duration elapsed, long endNanos) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + elapsed.toMillis() + " ms\n--- stdout ---\n" + out
                    + "--- stderr ---\n" + err;
        }
    }

    final Process process;
    final long startNanos;
    private final List<Line> out = new CopyOnWriteArrayList<>();
    private final List<Line> err = new CopyOnWriteArrayList<>();
    private final Thread outPump;
    private final Thread errPump;

    private Cli(Process process, long startNanos) {
        this.process = process;
        this.startNanos = startNanos;
        this.outPump = pump(process.getInputStream(), out, "out");
        this.errPump = pump(process.getErrorStream(), err, "err");
    }

    static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(ChildJvm.classPath());
        cmd.add(AstlockCli.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** Starts {@code astlock ARGS} in the background. */
    static Cli start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    static Cli start(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(List.of(args)));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        long t = System.nanoTime();
        return new Cli(pb.start(), t);
    }

    /** Runs {@code astlock ARGS} to the end (at most 60 s). */
    static Result run(String... args) throws IOException {
        try (Cli c = start(args)) {
            return c.awaitExit(Duration.ofSeconds(60));
        }
    }

    private static Thread pump(InputStream in, List<Line> into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.add(new Line(System.nanoTime(), line));
                }
            } catch (IOException e) {
                // ended
            }
        }, "cli-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for a line on standard error that satisfies {@code test}. */
    Line awaitErr(Predicate<String> test, Duration timeout) {
        return await(err, test, timeout, "stderr");
    }

    /** Waits for a line on standard output that satisfies {@code test}. */
    Line awaitOut(Predicate<String> test, Duration timeout) {
        return await(out, test, timeout, "stdout");
    }

    private Line await(List<Line> lines, Predicate<String> test, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Line l : lines) {
                if (test.test(l.text())) {
                    return l;
                }
            }
            if (!process.isAlive()) {
                join();
                for (Line l : lines) {
                    if (test.test(l.text())) {
                        return l;
                    }
                }
                fail("astlock ended (exit " + process.exitValue() + ") without the expected line on " + what
                        + "\n" + transcript());
            }
            if (System.nanoTime() > deadline) {
                fail("no expected line on " + what + " within " + timeout.toMillis() + " ms\n" + transcript());
            }
            sleep(10);
        }
    }

    /** Waits until a condition holds, failing after {@code timeout}. */
    static void waitFor(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            sleep(10);
        }
    }

    Result awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                fail("astlock did not end within " + timeout.toMillis() + " ms\n" + transcript());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        long end = System.nanoTime();
        join();
        return new Result(process.exitValue(), text(out), text(err), Duration.ofNanos(end - startNanos), end);
    }

    private void join() {
        try {
            outPump.join(2000);
            errPump.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String transcript() {
        return "--- stdout ---\n" + text(out) + "--- stderr ---\n" + text(err);
    }

    private static String text(List<Line> lines) {
        StringBuilder sb = new StringBuilder();
        for (Line l : lines) {
            sb.append(l.text()).append('\n');
        }
        return sb.toString();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
