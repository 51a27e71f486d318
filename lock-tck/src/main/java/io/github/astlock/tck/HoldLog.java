package io.github.astlock.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The hold intervals of a lost-update run: every worker appends {@code S <pid>} right after it
 * got the lock and {@code E <pid>} right before it lets go, each line with one
 * {@code write(2)} to a file opened with {@code O_APPEND}. The order of the lines is then the
 * order of the events, without comparing clocks; a worker that starts while another one has
 * started and not ended held the lock at the same time as that one.
 */
public final class HoldLog {
    private HoldLog() {
    }

    /** Appends this process's lines. */
    public static final class Writer implements AutoCloseable {
        private final FileChannel channel;
        private final byte[] start;
        private final byte[] end;

        private Writer(FileChannel channel, long id) {
            this.channel = channel;
            this.start = ("S " + id + "\n").getBytes(StandardCharsets.US_ASCII);
            this.end = ("E " + id + "\n").getBytes(StandardCharsets.US_ASCII);
        }

        /** Records that this process now holds the lock. */
        public void started() {
            write(start);
        }

        /** Records that this process is about to let go of the lock. */
        public void ended() {
            write(end);
        }

        /**
         * Closes the log file.
         *
         * @throws IOException when closing fails
         */
        @Override
        public void close() throws IOException {
            channel.close();
        }

        private void write(byte[] line) {
            try {
                channel.write(ByteBuffer.wrap(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Opens a log for appending.
     *
     * @param file the log file, created if needed
     * @return the writer
     * @throws IOException when it cannot be opened
     */
    public static Writer writer(Path file) throws IOException {
        return writer(file, ProcessHandle.current().pid());
    }

    /**
     * Opens a log for appending under another name than this process's pid, for threads of
     * one process that each hold the lock in turn.
     *
     * @param file the log file, created if needed
     * @param id   the number written in place of the pid; must not be any worker's pid (a
     *             negative number never is)
     * @return the writer; its lines are written with one {@code write(2)} each, so several
     *     writers of one process may share the file
     * @throws IOException when it cannot be opened
     */
    public static Writer writer(Path file, long id) throws IOException {
        return new Writer(FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), id);
    }

    /**
     * Counts overlapping holds by pair of kinds: for every start while others hold, one overlap
     * for each of them, keyed {@code "kindA+kindB"} (sorted).
     *
     * @param log   the log file
     * @param kinds the kind of each worker by pid, for example {@code asterisk} or {@code astlock-jna}
     * @return the number of overlaps for each pair of kinds that overlapped at all
     * @throws IOException when the log cannot be read
     */
    public static Map<String, Integer> overlaps(Path log, Map<Long, String> kinds) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.US_ASCII);
        Set<Long> holding = new HashSet<>();
        Map<String, Integer> pairs = new TreeMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length != 2) {
                throw new IllegalStateException("malformed hold log line '" + line + "' in " + log);
            }
            long pid = Long.parseLong(f[1]);
            if (f[0].equals("S")) {
                for (long other : holding) {
                    String a = kinds.getOrDefault(other, "pid " + other);
                    String b = kinds.getOrDefault(pid, "pid " + pid);
                    String key = a.compareTo(b) <= 0 ? a + "+" + b : b + "+" + a;
                    pairs.merge(key, 1, Integer::sum);
                }
                holding.add(pid);
            } else {
                holding.remove(pid);
            }
        }
        return pairs;
    }

    /**
     * The overlaps in which both workers are astlock processes.
     *
     * @param pairs the result of {@link #overlaps}
     * @return their sum
     */
    public static int astlockOnly(Map<String, Integer> pairs) {
        int n = 0;
        for (Map.Entry<String, Integer> e : pairs.entrySet()) {
            String[] k = e.getKey().split("\\+");
            if (k[0].startsWith("astlock") && k[1].startsWith("astlock")) {
                n += e.getValue();
            }
        }
        return n;
    }
}
