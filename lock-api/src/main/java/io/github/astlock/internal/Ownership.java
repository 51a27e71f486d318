package io.github.astlock.internal;

import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who lock files belong to, in one place. The rules:
 * <ul>
 * <li>Lock files are never writable by group or others: the requested permissions lose
 *     {@code 022}, whatever the umask.</li>
 * <li>Running as root, every file the protocols create ({@code lock}, {@code .lock}, temporary
 *     files) is given the directory's owner and group, so an Asterisk running as that owner can
 *     always open and remove it.</li>
 * <li>An owner record is believed only from a file that nobody but its owner could have written
 *     (no group or other write bit) and whose owner is root, the directory's owner, or this
 *     process's user; any other record counts as unknown.</li>
 * </ul>
 */
final class Ownership {
    private static final int UNKNOWN = -1;
    private static volatile int euid = UNKNOWN;

    private Ownership() {
    }

    /**
     * The permissions a new lock file gets: never writable by group or others.
     *
     * @param requested the configured bits
     * @return the bits to create with
     */
    static int permissions(int requested) {
        return requested & 07755;
    }

    /**
     * The effective user id of this process, from {@code /proc/self/status}; {@code -1} when
     * unknown.
     *
     * @return the effective user id of this process, or {@code -1}
     */
    static int euid() {
        int u = euid;
        if (u == UNKNOWN) {
            u = readEuid();
            euid = u;
        }
        return u;
    }

    /**
     * Whether this process runs as root.
     *
     * @return {@code true} for effective user id 0
     */
    static boolean isRoot() {
        return euid() == 0;
    }

    private static int readEuid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return Integer.parseInt(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
        return UNKNOWN;
    }

    /**
     * Gives a file this process just created the directory's owner and group, when running as
     * root; otherwise does nothing and makes no system call.
     *
     * @param ops        the primitives
     * @param file       the new file
     * @param fileStatus the new file's status, already taken by the caller
     * @param dir        its directory
     * @param dirStatus  the directory's status when the caller already has it (taken during this
     *                   lock attempt), or {@code null} to look it up
     * @throws ErrnoException when the change fails
     */
    static void adopt(FileOps ops, Path file, FileStat fileStatus, Path dir, FileStat dirStatus) throws ErrnoException {
        if (!isRoot()) {
            return;
        }
        Optional<FileStat> d = dirStatus != null ? Optional.of(dirStatus) : ops.stat(dir);
        if (d.isPresent() && d.get().uid() != fileStatus.uid()) {
            ops.chownLike(file, dir);
        }
    }

    /**
     * Whether the owner record in a file can be believed (see the class comment).
     *
     * @param ops  the primitives
     * @param file the lock file's status
     * @param dir  its directory
     * @return {@code true} when only a trusted user could have written it
     */
    static boolean trusted(FileOps ops, FileStat file, Path dir) {
        if ((file.mode() & 022) != 0) {
            return false;
        }
        int uid = file.uid();
        if (uid == 0 || uid == euid()) {
            return true;
        }
        try {
            Optional<FileStat> d = ops.stat(dir);
            return d.isPresent() && d.get().uid() == uid;
        } catch (ErrnoException e) {
            return false;
        }
    }
}
