package io.github.astlock.cli;

import io.github.astlock.LockHolder;
import io.github.astlock.LockMode;
import io.github.astlock.LockStatus;
import io.github.astlock.PathLocker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The line shown while waiting for a lock longer than a moment: who holds it and for how long,
 * from {@link PathLocker#status(Path)}. On a terminal it is rewritten in place with {@code \r}
 * and cleared when the wait ends; otherwise (a log) it is printed as separate lines, the first
 * after {@code first}, then at most every {@code every}.
 */
final class WaitProgress implements AutoCloseable {
    private final PrintWriter err;
    private final boolean terminal;
    private final Duration first;
    private final Duration every;
    private final Function<Duration, String> line;
    private final Thread thread;
    private final long start = System.nanoTime();
    private int shownWidth;
    private final int width = columns();
    private boolean stopped;

    private WaitProgress(PrintWriter err, boolean terminal, Duration first, Duration every,
                         Function<Duration, String> line) {
        this.err = err;
        this.terminal = terminal;
        this.first = first;
        this.every = every;
        this.line = line;
        this.thread = new Thread(this::loop, "astlock-progress");
        this.thread.setDaemon(true);
    }

    /**
     * Starts showing progress for a wait that begins now.
     *
     * @param err      where to print
     * @param terminal whether {@code err} is a terminal
     * @param first    when to print the first line
     * @param every    the interval between further lines when not on a terminal
     * @param line     the text for a given time waited so far
     * @return the running indicator; close it when the wait ends
     */
    static WaitProgress start(PrintWriter err, boolean terminal, Duration first, Duration every,
                              Function<Duration, String> line) {
        WaitProgress p = new WaitProgress(err, terminal, first, every, line);
        p.thread.start();
        return p;
    }

    private void loop() {
        try {
            Thread.sleep(first.toMillis());
            while (true) {
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                String text = line.apply(waited);
                synchronized (this) {
                    if (stopped) {
                        return;
                    }
                    if (terminal) {
                        // a wrapped line cannot be rewritten with \r: keep it to the terminal's width
                        if (text.length() > width - 1) {
                            text = text.substring(0, Math.max(10, width - 4)) + "...";
                        }
                        int pad = Math.max(0, shownWidth - text.length());
                        err.print("\r" + text + " ".repeat(pad));
                        shownWidth = text.length();
                    } else {
                        err.println(text);
                    }
                    err.flush();
                }
                Thread.sleep(terminal ? 250 : every.toMillis());
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (RuntimeException e) {
            // a progress line must never disturb the lock; stop showing it
        }
    }

    /**
     * Returns the terminal's width from {@code COLUMNS} (shells rarely export it), else 80.
     *
     * @return the terminal's width from {@code COLUMNS} (shells rarely export it), else 80
     */
    private static int columns() {
        try {
            String c = System.getenv("COLUMNS");
            return c == null ? 80 : Math.max(20, Integer.parseInt(c.strip()));
        } catch (RuntimeException e) {
            return 80;
        }
    }

    /** Stops the indicator and, on a terminal, clears its line. */
    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
            if (terminal && shownWidth > 0) {
                err.print("\r" + " ".repeat(shownWidth) + "\r");
                err.flush();
            }
        }
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Who holds a directory's lock in a mode, for people: {@code "astlock pid 4711 on pbx1, for
     * 2.1 s"}, {@code "pid 812 (flock), for 0.4 s"}, or {@code "an unknown owner (an empty .lock:
     * Asterisk or another tool), for 3.0 s"}.
     *
     * @param locker the locker
     * @param dir    the directory
     * @param mode   the mode being waited for
     * @return the description
     */
    static String holder(PathLocker locker, Path dir, LockMode mode) {
        LockStatus st;
        try {
            st = locker.status(dir);
        } catch (Exception e) {
            return "someone (cannot inspect: " + e.getMessage() + ")";
        }
        List<String> parts = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        for (LockMode m : mode.components()) {
            Optional<LockHolder> h = m == LockMode.FLOCK ? st.flock() : st.lockfile();
            // BOTH mode: while waiting for .lock this process holds the flock itself; it is not "the holder"
            h.filter(x -> x.pid().isEmpty() || x.pid().getAsLong() != self).ifPresent(x -> parts.add(describe(x)));
        }
        return parts.isEmpty() ? "someone (no holder visible on disk right now)" : String.join("; ", parts);
    }

    static String describe(LockHolder h) {
        StringBuilder sb = new StringBuilder();
        if (h.detail().isPresent()) {
            sb.append(h.lockFile().getFileName()).append(": ").append(h.detail().get());
        } else if (h.owner().isPresent()) {
            sb.append("astlock pid ").append(h.owner().get().pid()).append(" on ").append(h.owner().get().host());
        } else if (h.pid().isPresent()) {
            sb.append("pid ").append(h.pid().getAsLong());
            processName(h.pid().getAsLong()).ifPresent(n -> sb.append(" (").append(n).append(')'));
        } else {
            sb.append("an unknown owner (an empty ").append(h.lockFile().getFileName())
              .append(": Asterisk or another tool)");
        }
        if (h.mode() != LockMode.FLOCK) {
            // ctime of .lock: set by link(2), so about when it was taken. A flock(2) leaves no time
            // stamp: the age of the file named lock says nothing about how long it has been locked.
            sb.append(", for ").append(Durations.format(h.age()));
        }
        if (h.liveness() == io.github.astlock.LockOwner.Liveness.DEAD) {
            sb.append(", OWNER IS GONE (stale: see astlock break-stale)");
        }
        return sb.toString();
    }

    private static Optional<String> processName(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().command())
                .map(c -> Path.of(c).getFileName().toString());
    }
}
