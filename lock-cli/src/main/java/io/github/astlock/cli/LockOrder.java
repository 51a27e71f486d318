package io.github.astlock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The order in which {@code astlock run} locks several folders, the same in every astlock process,
 * so two of them never wait for each other in a circle: first folders that cannot be inspected
 * (their lock attempt reports the problem before anything else is locked), then by rank (a folder
 * named {@code Old} after every ordinary folder, one named {@code Deleted} last, which is the
 * order in which Asterisk itself nests two voicemail folder locks), then by device and inode
 * number. A folder given twice, under any spelling, is locked once.
 */
final class LockOrder {
    private LockOrder() {
    }

    /** One folder and what it is sorted by. */
    private record Key(Path path, int rank, long dev, long ino, boolean known) {
    }

    /**
     * Sorts and de-duplicates the folders.
     *
     * @param dirs the folders as given
     * @return absolute paths in locking order
     */
    static List<Path> sort(List<String> dirs) {
        if (dirs.size() == 1) {
            return List.of(Path.of(dirs.get(0)).toAbsolutePath()); // nothing to order
        }
        List<Key> keys = new ArrayList<>();
        for (String d : dirs) {
            keys.add(key(Path.of(d).toAbsolutePath()));
        }
        keys.sort(Comparator.comparing(Key::known).thenComparingInt(Key::rank).thenComparingLong(Key::dev)
                .thenComparingLong(Key::ino).thenComparing(Key::path));
        List<Path> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Key k : keys) {
            String id = k.known() ? k.dev() + ":" + k.ino() : "?" + k.path().normalize();
            if (seen.add(id)) {
                out.add(k.path());
            }
        }
        return out;
    }

    /**
     * Returns a folder's rank: 0 for ordinary folders, 1 for {@code Old}, 2 for {@code Deleted}.
     *
     * @param dir the folder
     * @return its rank
     */
    static int rank(Path dir) {
        Path name = dir.getFileName();
        String n = name == null ? "" : name.toString();
        return n.equals("Old") ? 1 : n.equals("Deleted") ? 2 : 0;
    }

    private static Key key(Path dir) {
        try {
            Path real = dir.toRealPath();
            Object dev = Files.getAttribute(real, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Object ino = Files.getAttribute(real, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return new Key(dir, rank(real), ((Number) dev).longValue(), ((Number) ino).longValue(), true);
        } catch (IOException | RuntimeException e) {
            // missing, unreadable, or no unix attributes: lock it first, so its problem shows at once
            return new Key(dir, rank(dir), 0, 0, false);
        }
    }
}
