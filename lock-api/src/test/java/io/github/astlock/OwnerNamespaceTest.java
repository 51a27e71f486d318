package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.internal.ProcessScope;
import io.github.astlock.testing.FakeBackend;
import io.github.astlock.testing.FakeFileOps;
import io.github.astlock.testing.OwnerJudgeChild;
import io.github.astlock.testing.OwnerRecordChild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness across processes: owner records written by real child JVMs, in this PID namespace
 * and in another one ({@code unshare --pid --fork}, which needs root; skipped otherwise).
 */
class OwnerNamespaceTest {
    private static final Path DIR = Path.of("/spool/NS");
    private static final long WAIT_SECONDS = 120;

    @TempDir
    Path tmp;

    /** A running child JVM and the record it wrote. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final byte[] record;

        Child(Process process, byte[] record) {
            this.process = process;
            this.record = record;
        }

        void stop() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private Child start(List<String> prefix, String name) throws Exception {
        Path out = tmp.resolve(name);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OwnerRecordChild.class.getName());
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!Files.exists(out)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("child wrote no record: " + Files.readString(tmp.resolve(name + ".log")));
            }
            Thread.sleep(20);
        }
        return new Child(p, Files.readAllBytes(out));
    }

    private static boolean unshareWorks() {
        try {
            Process p = new ProcessBuilder("unshare", "--pid", "--fork", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static PathLocker locker(FakeFileOps fs) {
        return PathLocker.create(LockOptions.builder().timeout(Duration.ZERO).build(),
                new FakeBackend(fs, Set.of(LockMode.LOCKFILE)));
    }

    @Test
    void anOwnerInThisNamespaceIsAliveWhileRunningAndDeadAfterwards() throws Exception {
        ProcessScope me = ProcessScope.current();
        LockOwner owner;
        try (Child child = start(List.of(), "same")) {
            owner = LockOwner.parse(child.record).orElseThrow();
            assertEquals(child.process.pid(), owner.pid());
            assertEquals(me.pidNamespace(), owner.pidNamespace());
            assertEquals(me.boot(), owner.boot());
            boolean provable = me.isKnown() && me.procIsOurs();
            assertEquals(provable ? LockOwner.Liveness.ALIVE : LockOwner.Liveness.UNKNOWN, owner.liveness(),
                    owner + " judged by " + me);
            child.stop();
        }
        boolean provable = me.isKnown() && me.procIsOurs() && !me.procHides();
        assertEquals(provable ? LockOwner.Liveness.DEAD : LockOwner.Liveness.UNKNOWN, owner.liveness(),
                owner + " judged by " + me);
    }

    @Test
    void anOwnerInAnotherPidNamespaceIsNeverJudgedDead() throws Exception {
        Assumptions.assumeTrue(unshareWorks(),
                "skipped: 'unshare --pid --fork' is not available or not permitted here (it needs root)");
        List<List<String>> setups = List.of(List.of("unshare", "--pid", "--fork"),
                List.of("unshare", "--pid", "--fork", "--mount-proc"));
        int n = 0;
        for (List<String> prefix : setups) {
            try (Child child = start(prefix, "ns" + n++)) {
                LockOwner owner = LockOwner.parse(child.record).orElseThrow();
                assertNotEquals(ProcessScope.current().pidNamespace(), owner.pidNamespace(), prefix.toString());
                // Its pid is small and means another process (or none) here: the old rule said DEAD.
                assertNotEquals(child.process.pid(), owner.pid(), "the child's pid in its own namespace");
                assertEquals(LockOwner.Liveness.UNKNOWN, owner.liveness(), prefix + ": " + owner);

                FakeFileOps fs = new FakeFileOps();
                fs.mkdir(DIR);
                fs.write(DIR.resolve(".lock"), child.record);
                PathLocker locker = locker(fs);
                assertEquals(Optional.empty(), locker.breakStaleLock(DIR, StalePolicy.deadOwner(), false),
                        "a lock held from another PID namespace must not be broken");
                assertTrue(fs.exists(DIR.resolve(".lock")));
                LockHolder h = locker.status(DIR).lockfile().orElseThrow();
                assertEquals(LockOwner.Liveness.UNKNOWN, h.liveness());
                assertTrue(!h.describe().contains("GONE"), h.describe());
                child.stop();
            }
        }
    }

    /** Runs a shell command; returns its output, or empty when it failed. */
    private static Optional<String> run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(out.strip()) : Optional.empty();
        } catch (IOException | InterruptedException e) {
            return Optional.empty();
        }
    }

    /** A judge JVM run as user nobody, in a private mount namespace whose /proc has the given options. */
    private static List<String> judgeAsNobody(String procOptions, Path record) {
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.endsWith("classes")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of("unshare", "--mount", "--propagation", "private", "--fork", "sh", "-c",
                "mount -t proc -o " + procOptions + " proc /proc && exec setpriv --reuid=65534 --regid=65534 "
                        + "--clear-groups \"$0\" -cp \"$1\" " + OwnerJudgeChild.class.getName() + " \"$2\"",
                java, classPath, record.toString());
    }

    @Test
    void anOwnerHiddenByHidepidIsNeverJudgedDead() throws Exception {
        Assumptions.assumeTrue(run(List.of("unshare", "--mount", "--propagation", "private", "--fork", "sh", "-c",
                "mount -t proc -o hidepid=invisible proc /proc && setpriv --reuid=65534 --regid=65534 "
                        + "--clear-groups true")).isPresent(),
                "skipped: a private /proc with hidepid cannot be mounted here (needs root, unshare and setpriv)");
        Path live = tmp.resolve("live");
        Files.write(live, LockOwner.forThisProcess().toBytes());
        Path dead;
        try (Child child = start(List.of(), "exited")) {
            child.stop();
            dead = tmp.resolve("exited");
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> readable =
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x");
        Files.setPosixFilePermissions(tmp, readable);
        Files.setPosixFilePermissions(live, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dead, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        // The same judge without hidepid sees this JVM (root's) running and the exited child gone.
        assertEquals(Optional.of("ALIVE"), run(judgeAsNobody("hidepid=0", live)));
        assertEquals(Optional.of("DEAD"), run(judgeAsNobody("hidepid=0", dead)));
        // With hidepid, root's running process is invisible to nobody: that proves nothing.
        assertEquals(Optional.of("UNKNOWN"), run(judgeAsNobody("hidepid=invisible", live)));
        assertEquals(Optional.of("UNKNOWN"), run(judgeAsNobody("hidepid=invisible", dead)));
        assertEquals(Optional.of("UNKNOWN"), run(judgeAsNobody("hidepid=noaccess", live)));
    }
}
