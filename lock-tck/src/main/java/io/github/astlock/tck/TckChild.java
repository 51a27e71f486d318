package io.github.astlock.tck;

import io.github.astlock.AstLockResult;
import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockLostException;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.LockBackendProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The program a child JVM runs: locks with the backend under test and reports on standard
 * output in the same line format as the C reference, so tests treat both alike.
 *
 * <pre>
 * TckChild KITCLASS hold  MODE DIR TIMEOUT_MS      LOCK ... then wait for a line on stdin, then UNLOCK ...
 * TckChild KITCLASS try   MODE DIR TIMEOUT_MS      LOCK ... and, when locked, UNLOCK ... at once
 * TckChild KITCLASS count MODE DIR COUNTER N [LOG] N locked read-increment-write cycles, then DONE ...; with LOG, "S pid"/"E pid" lines appended around each hold
 * TckChild KITCLASS race  MODE DIR X               per "go" line: one try with the dead-owner policy, HELD or MISS
 * </pre>
 *
 * {@code LOCK <RESULT> <code> [exception and message]}, {@code UNLOCK 0} or
 * {@code UNLOCK -1 <why>}; exit status 0 on success, 1 timeout, 2 path not found, 3 failure,
 * 64 usage, as the C reference.
 */
public final class TckChild {
    /** The longest one lock attempt of a stress run may wait; far longer than any holder keeps it. */
    private static final Duration COUNT_LOCK_WAIT = Duration.ofSeconds(30);

    private TckChild() {
    }

    /**
     * Main.
     *
     * @param args see the class description
     * @throws Exception on unexpected failures (exit status 1 from the JVM)
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: TckChild KITCLASS hold|try|count MODE DIR ARG...");
            System.exit(64);
        }
        LockBackendProvider backend = backendOf(args[0]);
        String command = args[1];
        LockMode mode = LockMode.valueOf(args[2]);
        Path dir = Path.of(args[3]);
        switch (command) {
            case "hold":
            case "try": {
                PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode)
                        .timeout(Duration.ofMillis(Long.parseLong(args[4]))).build(), backend);
                PathLock lock;
                try {
                    lock = locker.lock(dir);
                } catch (LockException e) {
                    AstLockResult r = AstLockResult.of(e);
                    say("LOCK " + r + " " + r.code() + " " + e.getClass().getSimpleName() + " errno="
                            + e.errno().map(x -> x.name()).orElse("-") + " " + e.getMessage());
                    System.exit(-r.code());
                    return;
                }
                say("LOCK SUCCESS 0");
                if (command.equals("hold")) {
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                }
                try {
                    lock.close();
                    say("UNLOCK 0");
                } catch (LockException e) {
                    say("UNLOCK -1 " + e.getClass().getSimpleName() + " " + e.getMessage());
                }
                System.exit(0);
                return;
            }
            case "count": {
                Path counter = Path.of(args[4]);
                int iterations = Integer.parseInt(args[5]);
                PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode)
                        .timeout(COUNT_LOCK_WAIT).build(), backend);
                HoldLog.Writer log = args.length > 6 ? HoldLog.writer(Path.of(args[6])) : null;
                int lost = 0;
                for (int i = 0; i < iterations; i++) {
                    try (PathLock lock = locker.lock(dir)) {
                        if (log != null) {
                            log.started();
                        }
                        increment(counter);
                        if (log != null) {
                            log.ended();
                        }
                    } catch (LockLostException e) {
                        // Only the mixed runs beside Asterisk pass a hold log: there Asterisk may
                        // remove or replace our lock file (its unlink-on-unlock in FLOCK mode, its
                        // blind unlock in LOCKFILE mode) and the log tells who overlapped whom.
                        // Anywhere else a lost lock is a failure.
                        if (log == null) {
                            throw e;
                        }
                        lost++;
                    } catch (LockTimeoutException e) {
                        // nobody holds one lock that long in a stress run: report it now, so the
                        // test fails in seconds instead of waiting for the process limit
                        say("COUNT TIMEOUT at iteration " + i + " of " + iterations + ": " + e.getMessage());
                        System.exit(1);
                        return;
                    }
                }
                say("DONE iterations=" + iterations + " lost=" + lost);
                System.exit(0);
                return;
            }
            case "turns-exit": {
                // THREADS threads take DIR in turn without a pause (so the lock is often on its
                // way from one to another); once they have held it HOLDS times in all, the JVM
                // exits while they go on. Refusals because the JVM exits are expected.
                int threads = Integer.parseInt(args[4]);
                long holds = Long.parseLong(args[5]);
                PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode)
                        .timeout(COUNT_LOCK_WAIT).build(), backend);
                java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
                java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
                for (int t = 0; t < threads; t++) {
                    Thread turn = new Thread(() -> {
                        while (true) {
                            try (PathLock lock = locker.lock(dir)) {
                                if (count.incrementAndGet() >= holds) {
                                    reached.countDown();
                                }
                            } catch (io.github.astlock.LockFailedException e) {
                                if (e.reason() != io.github.astlock.LockFailedException.Reason.SHUTTING_DOWN) {
                                    say("ERROR " + e);
                                }
                                return;
                            } catch (LockException e) {
                                say("ERROR " + e);
                                return;
                            }
                        }
                    }, "turns-" + t);
                    turn.setDaemon(true);
                    turn.start();
                }
                reached.await();
                say("EXITING after " + count.get() + " holds");
                System.exit(0);
                return;
            }
            case "race": {
                // One line "go" per round: try once with the dead-owner policy, answer HELD or
                // MISS, then wait for the next line before releasing; "quit" ends.
                PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).timeout(Duration.ZERO)
                        .stalePolicy(io.github.astlock.StalePolicy.deadOwner()).build(), backend);
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                say("READY");
                String line;
                while ((line = in.readLine()) != null && line.equals("go")) {
                    PathLock lock = null;
                    try {
                        lock = locker.lock(dir);
                        say("HELD");
                    } catch (LockTimeoutException e) {
                        say("MISS");
                    }
                    in.readLine();
                    if (lock != null) {
                        lock.close();
                    }
                    say("NEXT");
                }
                System.exit(0);
                return;
            }
            default:
                System.err.println("unknown command " + command);
                System.exit(64);
        }
    }

    /**
     * Read, add one, write back as 12 zero-padded digits at offset 0 (as the C reference does):
     * deliberately not atomic, so overlapping holders lose updates, but the file always holds a
     * valid number that never exceeds the true count.
     *
     * @param counter the counter file; a missing or empty file counts as 0
     * @throws IOException when the file cannot be read or written
     */
    public static void increment(Path counter) throws IOException {
        long value;
        try {
            String s = Files.readString(counter, StandardCharsets.US_ASCII).strip();
            value = s.isEmpty() ? 0 : Long.parseLong(s);
        } catch (NoSuchFileException e) {
            value = 0;
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(counter,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.CREATE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(String.format("%012d", value + 1)
                    .getBytes(StandardCharsets.US_ASCII));
            while (buf.hasRemaining()) {
                ch.write(buf, buf.position());
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static LockBackendProvider backendOf(String kitClass) throws ReflectiveOperationException {
        Class<?> c = Class.forName(kitClass);
        var ctor = c.getDeclaredConstructor();
        ctor.setAccessible(true);
        TckSupport kit = (TckSupport) ctor.newInstance();
        return kit.createBackend();
    }
}
