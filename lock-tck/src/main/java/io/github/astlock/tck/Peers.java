package io.github.astlock.tck;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.astlock.LockMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The independent peers the kit runs against, each in its own process: the Asterisk-faithful C
 * reference (compiled from the kit's jar with the system C compiler), util-linux {@code flock(1)}
 * and liblockfile's {@code dotlockfile}. A missing peer skips its tests with the exact install
 * hint; it never fails them.
 */
public final class Peers {
    /** Install hint for the C compiler. */
    public static final String CC_HINT = "install a C compiler: apt-get install gcc libc6-dev (or set -D"
            + TckEnvironment.CC + "=...)";
    /** Install hint for flock(1). */
    public static final String FLOCK_HINT = "install util-linux's flock(1): apt-get install util-linux";
    /** Install hint for dotlockfile. */
    public static final String DOTLOCKFILE_HINT = "install liblockfile's dotlockfile: apt-get install liblockfile-bin";

    private static final Map<String, Boolean> FOUND = new ConcurrentHashMap<>();
    /** The kit's C sources, copied side by side so one can include another. */
    private static final List<String> C_SOURCES = List.of("asterisk-lock-ref.c", "voicemail-peer.c");
    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();
    private static final Map<String, String> BUILD_ERRORS = new ConcurrentHashMap<>();

    private Peers() {
    }

    /**
     * Whether a command can be run.
     *
     * @param command the program and a harmless argument that makes it exit at once
     * @return whether it ran
     */
    static boolean runs(String... command) {
        return FOUND.computeIfAbsent(String.join(" ", command), k -> {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Skips the calling test unless {@code flock(1)} is installed. */
    public static void assumeFlock() {
        assumeTrue(runs("flock", "--version"), "flock(1) not found; " + FLOCK_HINT);
    }

    /** Skips the calling test unless {@code dotlockfile} is installed. */
    public static void assumeDotlockfile() {
        assumeTrue(runs("sh", "-c", "command -v dotlockfile"), "dotlockfile not found; " + DOTLOCKFILE_HINT);
    }

    /**
     * The compiled C reference; skips the calling test when no C compiler is installed, and fails
     * it when compilation itself fails.
     *
     * @return the executable
     */
    public static Path reference() {
        return compiled("asterisk-lock-ref");
    }

    /**
     * Compiles one of the kit's C programs once per run: {@code <program>.c} and the kit's other C
     * sources (which it may include) are copied out of the jar and built with the system C compiler.
     * Skips the calling test when no C compiler is installed, and fails it when compilation fails.
     *
     * @param program the program's name, without {@code .c}
     * @return the executable
     */
    static synchronized Path compiled(String program) {
        Path done = BUILT.get(program);
        if (done != null) {
            return done;
        }
        assumeTrue(runs(TckEnvironment.cc(), "--version"), "C compiler '" + TckEnvironment.cc() + "' not found; " + CC_HINT);
        String error = BUILD_ERRORS.get(program);
        if (error != null) {
            throw new AssertionError(error);
        }
        try {
            Path dir = TckEnvironment.workDir().resolve("c-reference");
            Files.createDirectories(dir);
            for (String name : C_SOURCES) {
                try (InputStream in = Peers.class.getResourceAsStream(name)) {
                    if (in == null) {
                        throw new AssertionError(name + " is missing from the kit's jar");
                    }
                    Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path binary = dir.resolve(program);
            PeerProcess cc = PeerProcess.start("cc", dir, List.of(TckEnvironment.cc(), "-O2", "-Wall", "-o",
                    binary.toString(), dir.resolve(program + ".c").toString()));
            int rc = cc.awaitExit(Duration.ofMinutes(2));
            if (rc != 0) {
                error = "compiling " + program + ".c failed (exit " + rc + "): " + cc.transcript();
                BUILD_ERRORS.put(program, error);
                throw new AssertionError(error);
            }
            BUILT.put(program, binary);
            return binary;
        } catch (IOException e) {
            error = "cannot build " + program + ".c: " + e;
            BUILD_ERRORS.put(program, error);
            throw new AssertionError(error, e);
        }
    }

    /**
     * Starts the C reference.
     *
     * @param timeoutSeconds Asterisk's whole-second timeout ({@code -t})
     * @param command        {@code hold}, {@code try}, {@code unlock} or {@code count}
     * @param mode           the mode
     * @param dir            the directory
     * @param more           further arguments
     * @return the running peer
     * @throws IOException when it cannot start
     */
    public static PeerProcess asterisk(int timeoutSeconds, String command, LockMode mode, Path dir, String... more)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(reference().toString(), "-t", Integer.toString(timeoutSeconds),
                command, mode.asteriskName(), dir.toString()));
        cmd.addAll(List.of(more));
        return PeerProcess.start("asterisk-ref " + command + " " + mode.asteriskName(), null, cmd);
    }

    /**
     * Holds {@code lockFile} with {@code flock(1)} until {@link PeerProcess#send(String)} or close.
     * Prints {@code LOCK SUCCESS 0} once it holds the lock.
     *
     * @param lockFile the file
     * @return the running holder
     * @throws IOException when it cannot start
     */
    public static PeerProcess flockHolder(Path lockFile) throws IOException {
        assumeFlock();
        return PeerProcess.start("flock(1) holder", null, List.of("flock", lockFile.toString(), "sh", "-c",
                "echo 'LOCK SUCCESS 0'; read line; echo 'UNLOCK 0'"));
    }

    /**
     * {@code flock -n FILE true}.
     *
     * @param lockFile the file
     * @return the exit code: 0 when the lock was free, 1 when it was held
     * @throws IOException when it cannot start
     */
    public static int flockTry(Path lockFile) throws IOException {
        assumeFlock();
        return PeerProcess.start("flock -n", null, List.of("flock", "-n", lockFile.toString(), "true"))
                .awaitExit(Duration.ofSeconds(10));
    }

    /**
     * {@code dotlockfile -l -r 0 FILE}: one attempt to take {@code FILE} by liblockfile's link method.
     *
     * @param lockFile the {@code .lock} file
     * @return the exit code: 0 when taken
     * @throws IOException when it cannot start
     */
    public static int dotlockfileLock(Path lockFile) throws IOException {
        assumeDotlockfile();
        return PeerProcess.start("dotlockfile -l", null, List.of("dotlockfile", "-l", "-r", "0", lockFile.toString()))
                .awaitExit(Duration.ofSeconds(30));
    }

    /**
     * {@code dotlockfile -u FILE}: removes the lock file.
     *
     * @param lockFile the {@code .lock} file
     * @return the exit code
     * @throws IOException when it cannot start
     */
    public static int dotlockfileUnlock(Path lockFile) throws IOException {
        assumeDotlockfile();
        return PeerProcess.start("dotlockfile -u", null, List.of("dotlockfile", "-u", lockFile.toString()))
                .awaitExit(Duration.ofSeconds(30));
    }
}
