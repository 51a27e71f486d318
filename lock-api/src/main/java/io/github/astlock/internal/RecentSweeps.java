package io.github.astlock.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers when directories were last swept for leftover temporary files, so that a directory
 * is swept at most once per interval. Bounded: only the most recently swept directories are
 * remembered, so a JVM that locks millions of directories over its life does not grow without
 * end. Forgetting a directory costs at most one extra sweep (a directory listing) of it.
 */
public final class RecentSweeps {
    private final int capacity;
    private final Map<Path, Long> last;

    /**
     * Creates an instance.
     *
     * @param capacity how many directories to remember, at least one
     */
    public RecentSweeps(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.last = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Path, Long> eldest) {
                return size() > RecentSweeps.this.capacity;
            }
        };
    }

    /**
     * Decides whether a directory is due for a sweep and, if so, records that it is swept now.
     *
     * @param dir      the directory
     * @param interval the least time between two sweeps of one directory; any length, even
     *                 one too long for nanoseconds
     * @return {@code true} when the caller should sweep now
     */
    public synchronized boolean due(Path dir, Duration interval) {
        long now = System.nanoTime();
        Long then = last.get(dir);
        if (then != null && now - then < Durations.nanos(interval)) {
            return false;
        }
        last.put(dir, now);
        return true;
    }

    /**
     * Returns how many directories are remembered.
     *
     * @return how many directories are remembered, at most the capacity
     */
    public synchronized int size() {
        return last.size();
    }
}
