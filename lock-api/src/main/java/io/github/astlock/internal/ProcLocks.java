package io.github.astlock.internal;

import io.github.astlock.spi.FileStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code /proc/locks} to find which processes hold a {@code flock(2)} lock on an inode.
 * Lines look like {@code 3: FLOCK  ADVISORY  WRITE 4711 08:01:1234567 0 EOF}, with device
 * major and minor in hex; lines of blocked waiters ({@code ->}) are skipped.
 */
public final class ProcLocks {
    private ProcLocks() {
    }

    /**
     * The processes holding flock(2) on a lock file.
     *
     * @param st the status of the lock file
     * @return the pids holding a FLOCK lock on that inode; empty when none or when /proc is missing
     */
    public static List<Long> flockHolders(FileStat st) {
        return flockHolders(read(), st.dev(), st.ino());
    }

    static String read() {
        try {
            return Files.readString(Path.of("/proc/locks"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The processes holding flock(2) on an inode, from the text of /proc/locks.
     *
     * @param procLocks the content of {@code /proc/locks}
     * @param dev       the device as {@code st_dev}
     * @param ino       the inode
     * @return the pids holding a FLOCK lock on it
     */
    static List<Long> flockHolders(String procLocks, long dev, long ino) {
        long major = ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
        long minor = ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
        List<Long> pids = new ArrayList<>();
        for (String line : procLocks.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !f[1].equals("FLOCK")) {
                continue; // also skips "N: -> FLOCK ..." waiters, whose second field is "->"
            }
            String[] id = f[5].split(":");
            if (id.length != 3) {
                continue;
            }
            try {
                if (Long.parseLong(id[0], 16) == major && Long.parseLong(id[1], 16) == minor
                        && Long.parseLong(id[2]) == ino) {
                    pids.add(Long.parseLong(f[4]));
                }
            } catch (NumberFormatException ignored) {
                // a line of another format
            }
        }
        return pids;
    }
}
