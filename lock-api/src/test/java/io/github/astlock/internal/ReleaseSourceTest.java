package io.github.astlock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.ReleaseWatch;
import io.github.astlock.spi.FileStat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The one place that chooses where a waiter learns of releases, and how long a pause may be with
 * each kind of watch. Pauses are checked by what they ask of the watch, not by the clock.
 */
class ReleaseSourceTest {
    private static final Path DIR = Path.of("/spool/1234/INBOX");

    /** A watch that records each wait it is asked for and returns at once. */
    private static final class RecordingWatch implements ReleaseWatch {
        final List<Long> waits = new ArrayList<>();
        final boolean everyRemoval;
        boolean closed;

        RecordingWatch(boolean everyRemoval) {
            this.everyRemoval = everyRemoval;
        }

        @Override
        public boolean await(long nanos) {
            waits.add(nanos);
            return false;
        }

        @Override
        public boolean reportsEveryRemoval() {
            return everyRemoval;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static FileOps opsWith(Optional<ReleaseWatch> own, AtomicInteger asked, ErrnoException failure) {
        return new FileOps() {
            @Override
            public void createExclusive(Path path, int permissions, byte[] content) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean link(Path existing, Path newName) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void unlink(Path path) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void rename(Path from, Path to) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<FileStat> lstat(Path path) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<FileStat> stat(Path path) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<ReleaseWatch> watchForRelease(Path dir) throws ErrnoException {
                asked.incrementAndGet();
                if (failure != null) {
                    throw failure;
                }
                return own;
            }
        };
    }

    @Test
    void theBackendsOwnWatchComesFirst() {
        RecordingWatch own = new RecordingWatch(true);
        RecordingWatch shared = new RecordingWatch(false);
        AtomicInteger asked = new AtomicInteger();
        ReleaseSource source = new ReleaseSource.BackendFirst(opsWith(Optional.of(own), asked, null), d -> shared);
        assertSame(own, source.register(DIR));
        assertEquals(1, asked.get());
    }

    @Test
    void aBackendWithoutAWatchGetsTheSharedOneAndIsNotAskedAgain() {
        RecordingWatch shared = new RecordingWatch(false);
        AtomicInteger asked = new AtomicInteger();
        ReleaseSource source = new ReleaseSource.BackendFirst(opsWith(Optional.empty(), asked, null), d -> shared);
        assertSame(shared, source.register(DIR));
        assertSame(shared, source.register(DIR));
        assertEquals(1, asked.get(), "the default (empty) answer is remembered");
    }

    @Test
    void aWatchThatCannotBeMadeFallsBackEachTime() {
        RecordingWatch shared = new RecordingWatch(false);
        AtomicInteger asked = new AtomicInteger();
        ErrnoException enospc = new ErrnoException("inotify_add_watch", DIR, Errno.of(28));
        ReleaseSource source = new ReleaseSource.BackendFirst(opsWith(Optional.empty(), asked, enospc), d -> shared);
        assertSame(shared, source.register(DIR));
        assertSame(shared, source.register(DIR));
        assertEquals(2, asked.get(), "a limit reached now may be free later: the backend is asked again");
    }

    @Test
    void theFirstPauseOnlyRegistersThenPausesAreBoundedByTheMaximum() throws Exception {
        RecordingWatch watch = new RecordingWatch(false);
        long deadline = Backoff.deadline(Duration.ofMinutes(10));
        try (Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(20)).watching(DIR, d -> watch)) {
            assertTrue(b.pause(deadline));
            assertTrue(watch.waits.isEmpty(), "the first pause registers and returns, so the caller tries again");
            for (int i = 0; i < 20; i++) {
                assertTrue(b.pauseUntilRemoved(deadline));
            }
        }
        assertTrue(watch.closed, "close() ends the watch");
        assertEquals(20, watch.waits.size());
        for (long w : watch.waits) {
            assertTrue(w <= Duration.ofMillis(20).toNanos() * 10 / 8, "a watch that may miss a removal keeps the "
                    + "configured maximum: " + w);
        }
    }

    @Test
    void aWatchThatReportsEveryRemovalLetsOnlyTheLockfileWaitGrowLonger() throws Exception {
        RecordingWatch watch = new RecordingWatch(true);
        long deadline = Backoff.deadline(Duration.ofMinutes(10));
        long max = Duration.ofMillis(20).toNanos();
        try (Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(20)).watching(DIR, d -> watch)) {
            b.pause(deadline);
            for (int i = 0; i < 20; i++) {
                b.pauseUntilRemoved(deadline);
            }
            long longest = watch.waits.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertTrue(longest > max * 10 / 8, "the LOCKFILE wait grows past the maximum: " + longest);
            assertTrue(longest <= Backoff.REPORTED_SAFETY_PAUSE.toNanos() * 10 / 8, "but not past the safety pause: "
                    + longest);
            watch.waits.clear();
            for (int i = 0; i < 5; i++) {
                b.pause(deadline);
            }
            for (long w : watch.waits) {
                assertTrue(w <= max * 10 / 8, "other waits (FLOCK, stale policy) keep the maximum: " + w);
            }
        }
    }

    @Test
    void noPauseOutlastsTheDeadline() throws Exception {
        RecordingWatch watch = new RecordingWatch(true);
        long deadline = Backoff.deadline(Duration.ofMillis(5));
        try (Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(20)).watching(DIR, d -> watch)) {
            b.pause(deadline);
            while (b.pauseUntilRemoved(deadline)) {
                assertFalse(watch.waits.isEmpty());
            }
        }
        for (long w : watch.waits) {
            assertTrue(w <= Duration.ofMillis(5).toNanos(), "a pause longer than the time left: " + w);
        }
    }
}
