package io.github.astlock;

import io.github.astlock.internal.HolderDescription;
import io.github.astlock.internal.Text;
import io.github.astlock.spi.FileType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who holds one of a directory's locks, as far as can be seen from outside, in a
 * {@link LockStatus}. The same words name the holder in the message of a
 * {@link LockTimeoutException}.
 *
 * @param mode      {@link LockMode#LOCKFILE} for {@code .lock}, {@link LockMode#FLOCK} for {@code lock}
 * @param lockFile  the lock file
 * @param fileType  what the lock file is; anything but {@link FileType#REGULAR} is never astlock's or
 *                  Asterisk's, and is never broken as stale
 * @param inode     its identity, {@code dev:ino}
 * @param age       time since its status last changed (ctime; for {@code .lock}, about when it was taken)
 * @param owner     the owner record, when astlock took the lock (Asterisk's {@code .lock} is empty)
 * @param pid       the holding process: from the owner record (LOCKFILE) or {@code /proc/locks} (FLOCK)
 * @param liveness  whether that process still runs
 * @param detail    what is wrong, when the lock file is not a regular file (for example a symbolic
 *                  link) or its owner record cannot be read
 */
public record LockHolder(LockMode mode, Path lockFile, FileType fileType, String inode, Duration age,
                         Optional<LockOwner> owner, OptionalLong pid, LockOwner.Liveness liveness,
                         Optional<String> detail) {

    /**
     * Returns whether the lock file is a regular file. A symbolic link, directory, FIFO or
     * device named like a lock file blocks lockers, but no tool should break it as a stale lock.
     *
     * @return whether the lock file is a regular file
     */
    public boolean isRegularFile() {
        return fileType == FileType.REGULAR;
    }

    /**
     * Returns why the lock file cannot be a stale lock to break, when it is not a regular file.
     *
     * @return for example {@code "it is a symbolic link, not a regular file"}; empty for a regular file
     */
    public Optional<String> notRegularFileReason() {
        return isRegularFile() ? Optional.empty() : Optional.of(HolderDescription.notRegular(fileType));
    }

    /**
     * Returns one line for people: which lock file, who holds it, alive or not, how old.
     *
     * @return one line for people, for example
     *     {@code "LOCKFILE lock .lock held by astlock, pid 4711 on pbx1 (...), 2.1 s old, owner running"}
     */
    public String describe() {
        return mode.name() + " lock " + Text.printable(lockFile.getFileName().toString())
                + (isRegularFile() ? " " : ": ") + describeHolder();
    }

    /**
     * Returns who holds the lock, alive or not, how old, without naming the lock file.
     * Text taken from the owner record or the file system is made printable (control
     * characters are shown as escapes).
     *
     * @return for example {@code "held by an unknown owner: Asterisk or another tool (no owner record), 0.4 s old"}
     */
    public String describeHolder() {
        StringBuilder sb = new StringBuilder();
        if (detail.isPresent()) {
            sb.append(isRegularFile() ? "held by another process, " : "").append(Text.printable(detail.get()));
        } else if (owner.isPresent()) {
            sb.append("held by astlock, ").append(owner.get().describe());
        } else if (pid.isPresent()) {
            sb.append("held by pid ").append(pid.getAsLong());
        } else {
            sb.append("held by an unknown owner: Asterisk or another tool (no owner record)");
        }
        sb.append(", ").append(age.toMillis() / 1000.0).append(" s old");
        switch (liveness) {
            case ALIVE:
                return sb.append(", owner running").toString();
            case DEAD:
                return sb.append(", OWNER IS GONE (stale)").toString();
            default:
                return owner.isPresent() ? sb.append(", cannot tell whether the owner still runs (another host, "
                        + "container or boot, or its process is hidden)").toString() : sb.toString();
        }
    }
}
