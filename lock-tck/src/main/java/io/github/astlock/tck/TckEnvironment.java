package io.github.astlock.tck;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The kit's tunable numbers, each read from a system property so a slow machine or a long soak
 * can change them without code: pass them to Surefire with
 * {@code -Dastlock.tck.timeoutMs=1000} or in {@code <systemPropertyVariables>}.
 *
 * <p>Every name is listed in {@link #PROPERTIES}; the kit's own self-test checks that each one is
 * read under exactly that name and is documented in {@code SPEC.md}.
 */
public final class TckEnvironment {
    /** Lock timeout used where a test expects to time out, in ms (default 500). */
    public static final String TIMEOUT_MS = "astlock.tck.timeoutMs";
    /** How much later than the timeout a timeout may be reported, in ms (default 500). */
    public static final String TIMEOUT_SLACK_MS = "astlock.tck.timeoutSlackMs";
    /** How soon after a peer's release the backend must hold the lock, in ms (default 100). */
    public static final String HANDOVER_MS = "astlock.tck.handoverMs";
    /** Processes per lost-update stress run (default 3). */
    public static final String STRESS_PROCESSES = "astlock.tck.stress.processes";
    /** Increments per process in a stress run (default 150). */
    public static final String STRESS_ITERATIONS = "astlock.tck.stress.iterations";
    /** Where the kit compiles the C reference and makes its scratch folders (default {@code target/astlock-tck}). */
    public static final String WORK_DIR = "astlock.tck.workDir";
    /** The C compiler for the Asterisk reference (default {@code cc}). */
    public static final String CC = "astlock.tck.cc";
    /** How long any single child process may run before it is killed, in ms (default 60000). */
    public static final String PROCESS_LIMIT_MS = "astlock.tck.processLimitMs";

    /** How long any single kit test (or its set-up or clean-up) may run before it fails, in ms (default 120000). */
    public static final String TEST_LIMIT_MS = "astlock.tck.testLimitMs";

    /** Rounds of two processes racing to break the same stale lock (default 1000). */
    public static final String BREAK_ROUNDS = "astlock.tck.breakRounds";

    /** Every property name the kit reads. */
    public static final List<String> PROPERTIES = List.of(TIMEOUT_MS, TIMEOUT_SLACK_MS, HANDOVER_MS,
            STRESS_PROCESSES, STRESS_ITERATIONS, WORK_DIR, CC, PROCESS_LIMIT_MS, TEST_LIMIT_MS, BREAK_ROUNDS);

    private TckEnvironment() {
    }

    private static long number(String property, long defaultValue, long min) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        long n;
        try {
            n = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + ": not a whole number: '" + v + "'", e);
        }
        if (n < min) {
            throw new IllegalArgumentException(property + ": must be at least " + min + ", was " + n);
        }
        return n;
    }

    /**
     * Returns the timeout for tests that expect to time out.
     *
     * @return the timeout for tests that expect to time out
     */
    public static Duration timeout() {
        return Duration.ofMillis(number(TIMEOUT_MS, 500, 1));
    }

    /**
     * Returns the allowed lateness of a timeout.
     *
     * @return the allowed lateness of a timeout
     */
    public static Duration timeoutSlack() {
        return Duration.ofMillis(number(TIMEOUT_SLACK_MS, 500, 0));
    }

    /**
     * Returns the allowed delay between a peer's release and our acquisition.
     *
     * @return the allowed delay between a peer's release and our acquisition
     */
    public static Duration handover() {
        return Duration.ofMillis(number(HANDOVER_MS, 100, 1));
    }

    /**
     * Returns processes per stress run.
     *
     * @return processes per stress run
     */
    public static int stressProcesses() {
        return (int) number(STRESS_PROCESSES, 3, 2);
    }

    /**
     * Returns increments per process per stress run.
     *
     * @return increments per process per stress run
     */
    public static int stressIterations() {
        return (int) number(STRESS_ITERATIONS, 150, 1);
    }

    /**
     * Returns the scratch folder, as an absolute path.
     *
     * @return the scratch folder, as an absolute path
     */
    public static Path workDir() {
        return Path.of(System.getProperty(WORK_DIR, "target/astlock-tck")).toAbsolutePath();
    }

    /**
     * Returns the C compiler command.
     *
     * @return the C compiler command
     */
    public static String cc() {
        return System.getProperty(CC, "cc");
    }

    /**
     * Returns rounds of the racing-breakers test.
     *
     * @return rounds of the racing-breakers test
     */
    public static int breakRounds() {
        return (int) number(BREAK_ROUNDS, 1000, 1);
    }

    /**
     * Returns the longest a child process may run.
     *
     * @return the longest a child process may run
     */
    public static Duration processLimit() {
        return Duration.ofMillis(number(PROCESS_LIMIT_MS, 60_000, 1000));
    }

    /**
     * Returns the longest a single kit test may run; a test still running then fails with the
     * backend call it is blocked in.
     *
     * @return the longest a single kit test may run
     */
    public static Duration testLimit() {
        return Duration.ofMillis(number(TEST_LIMIT_MS, 120_000, 100));
    }
}
