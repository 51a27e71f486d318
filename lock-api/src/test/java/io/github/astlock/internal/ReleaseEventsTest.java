package io.github.astlock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiters learn of lock file removals from the file system's notifications, fall back to their
 * back-off sleep when no watch can be set up, honour interrupts and deadlines, and leave no
 * watch, descriptor or thread behind.
 */
class ReleaseEventsTest {
    private static final long LONG = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    private final ReleaseEvents events = new ReleaseEvents(() -> FileSystems.getDefault().newWatchService(),
            TimeUnit.MILLISECONDS.toNanos(50));

    @Test
    void aRemovedLockFileWakesTheWaiter() throws Exception {
        Path lock = Files.createFile(dir.resolve(".lock"));
        ReleaseEvents.Registration r = events.register(dir);
        assertNotNull(r, "a local directory can be watched");
        try {
            CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.await(LONG);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(java.util.concurrent.TimeoutException.class, () -> woken.get(200, TimeUnit.MILLISECONDS),
                    "nothing was removed yet");
            Files.delete(lock);
            assertTrue(woken.get(30, TimeUnit.SECONDS), "the removal of .lock must wake the waiter, not its timeout");
        } finally {
            r.close();
        }
        assertNothingLeft();
    }

    @Test
    void aRemovalBeforeTheWaitIsNotLost() throws Exception {
        Path lock = Files.createFile(dir.resolve("lock"));
        try (ReleaseEvents.Registration r = events.register(dir)) {
            Files.delete(lock);
            assertTrue(r.await(LONG), "a release between registering and waiting must still end the wait");
        }
        assertNothingLeft();
    }

    @Test
    void otherNamesDoNotWake() throws Exception {
        Path other = Files.createFile(dir.resolve(".lock.astlock.1.0011223344556677"));
        try (ReleaseEvents.Registration r = events.register(dir)) {
            Files.delete(other);
            assertFalse(r.await(TimeUnit.MILLISECONDS.toNanos(300)), "a temporary file is no release");
        }
        assertNothingLeft();
    }

    @Test
    void anInterruptEndsTheWaitAndTheWatch() throws Exception {
        Files.createFile(dir.resolve(".lock"));
        ReleaseEvents.Registration r = events.register(dir);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                r.await(LONG);
                outcome.complete(null);
            } catch (InterruptedException e) {
                outcome.complete(e);
            } finally {
                r.close();
            }
        });
        waiter.start();
        waiter.interrupt();
        assertTrue(outcome.get(30, TimeUnit.SECONDS) instanceof InterruptedException,
                "an interrupt must end the wait with InterruptedException");
        waiter.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(Files.exists(dir.resolve(".lock")));
        assertNothingLeft();
    }

    @Test
    void aFailedWatchFallsBackToSleepingAndSaysSoAtDebug() throws Exception {
        ReleaseEvents broken = new ReleaseEvents(() -> {
            throw new IOException("User limit of inotify instances reached or too many open files");
        }, TimeUnit.MILLISECONDS.toNanos(50));
        PrintStream saved = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        boolean paused;
        try (Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)).watching(dir, broken)) {
            paused = b.pause(Backoff.deadline(Duration.ofSeconds(30)));
        } finally {
            System.setErr(saved);
        }
        assertTrue(paused, "the pause must still happen, as a plain sleep");
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("DEBUG") && text.contains("polling instead") && text.contains("inotify"), text);
        assertFalse(text.contains("WARN"), text);
        assertEquals(0, broken.watchedDirectories());
        assertFalse(broken.running());
    }

    @Test
    void aDirectoryThatCannotBeWatchedIsPolledAndNothingStaysOpen() throws Exception {
        Path gone = dir.resolve("gone");
        assertNull(events.register(gone), "a missing directory cannot be watched");
        assertNothingLeft();
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void theDeadlineHoldsWhileEventsKeepComing() throws Exception {
        Path lock = Files.createFile(dir.resolve(".lock"));
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.writeString(lock, "x"); // each write is a change of .lock: an event
                    Thread.sleep(1);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        writer.start();
        int pauses = 0;
        long deadline;
        try (Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)).watching(dir, events)) {
            deadline = Backoff.deadline(Duration.ofMillis(400));
            while (b.pause(deadline)) {
                pauses++;
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        long late = System.nanoTime() - deadline;
        assertTrue(late >= 0, "the wait must not end before its deadline");
        assertTrue(late < TimeUnit.SECONDS.toNanos(30), "the events kept the wait going past its deadline");
        // Without events, pauses of 50, 100 and 200 ms fit into 400 ms about four times.
        assertTrue(pauses > 10, "the changes of .lock must have ended pauses early; pauses: " + pauses);
        assertNothingLeft();
    }

    @Test
    void interruptedBeforeTheFirstWaitIsReported() throws Exception {
        try (Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)).watching(dir, events)) {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> b.pause(Backoff.deadline(Duration.ofSeconds(30))));
        }
        assertNothingLeft();
    }

    /** Soon after the last wait: no watched directory, no service, and the event thread has ended. */
    private void assertNothingLeft() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((events.running() || eventThreads() > 0) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(0, events.watchedDirectories(), "watched directories");
        assertFalse(events.running(), "the watch service must be closed when nobody waits");
        assertEquals(0, eventThreads(), "event threads still running");
    }

    private static long eventThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("astlock-release-events") && t.isAlive()).count();
    }
}
