package io.github.astlock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who holds one of a directory's locks, as far as can be seen from outside, in a
 * {@link LockStatus}.
 *
 * @param mode      {@link LockMode#LOCKFILE} for {@code .lock}, {@link LockMode#FLOCK} for {@code lock}
 * @param lockFile  the lock file
 * @param inode     its identity, {@code dev:ino}
 * @param age       time since its status last changed (ctime; for {@code .lock}, about when it was taken)
 * @param owner     the owner record, when astlock took the lock (Asterisk's {@code .lock} is empty)
 * @param pid       the holding process: from the owner record (LOCKFILE) or {@code /proc/locks} (FLOCK)
 * @param liveness  whether that process still runs
 * @param detail    what blocks, when the lock file is not a regular file (for example a directory)
 */
public record LockHolder(LockMode mode, Path lockFile, String inode, Duration age, Optional<LockOwner> owner,
                         OptionalLong pid, LockOwner.Liveness liveness, Optional<String> detail) {

    /**
     * Returns one line for people: who, alive or not, how old.
     *
     * @return one line for people: who, alive or not, how old
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(mode.name()).append(" lock ").append(lockFile.getFileName());
        if (detail.isPresent()) {
            sb.append(": ").append(detail.get());
        } else if (owner.isPresent()) {
            sb.append(" held by astlock, ").append(owner.get().describe());
        } else if (pid.isPresent()) {
            sb.append(" held by pid ").append(pid.getAsLong());
        } else {
            sb.append(" held by an unknown owner (Asterisk or another tool)");
        }
        sb.append(", ").append(age.toMillis() / 1000.0).append(" s old");
        switch (liveness) {
            case ALIVE: return sb.append(", owner running").toString();
            case DEAD: return sb.append(", OWNER IS GONE (stale)").toString();
            default: return sb.toString();
        }
    }
}
