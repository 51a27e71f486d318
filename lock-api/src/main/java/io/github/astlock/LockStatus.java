package io.github.astlock;

import io.github.astlock.internal.Text;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a directory's locks look like on disk, inspected without taking them
 * ({@link PathLocker#status(Path)}). Both modes are inspected, whatever the locker's mode.
 *
 * @param directory  the directory, absolute
 * @param lockfile   the holder of {@code .lock}, when it exists
 * @param flock      the holder of a {@code flock(2)} on {@code lock}, when there is one ({@code lock} itself may
 *                   exist unlocked: Asterisk and astlock leave it behind, which is normal); also present,
 *                   without a pid and with a {@link LockHolder#detail() detail}, when {@code lock} is something
 *                   every FLOCK-mode locker refuses (a symbolic link, a FIFO, a file with several hard links)
 * @param leftovers  temporary lock files found in the directory
 */
public record LockStatus(Path directory, Optional<LockHolder> lockfile, Optional<LockHolder> flock,
                         List<LeftoverFile> leftovers) {

    /**
     * Returns whether either lock is held.
     *
     * @return whether either lock is held
     */
    public boolean isHeld() {
        // a FLOCK-mode entry without a holding process only reports a lock file that lockers refuse
        return lockfile.isPresent() || flock.filter(h -> h.pid().isPresent()).isPresent();
    }

    /**
     * Returns a few lines for people. Names and owner records are made printable: control
     * characters are shown as escapes, never sent to a terminal.
     *
     * @return a few lines for people
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(Text.printable(directory.toString())).append(": ").append(isHeld() ? "HELD" : "free");
        lockfile.ifPresent(h -> sb.append("\n  ").append(h.describe()));
        flock.ifPresent(h -> sb.append("\n  ").append(h.describe()));
        for (LeftoverFile f : leftovers) {
            sb.append("\n  leftover ").append(f.ours() ? "astlock" : "Asterisk").append(" temporary file ")
              .append(Text.printable(f.path().getFileName().toString())).append(", ").append(f.age().toMillis() / 1000.0).append(" s old, ")
              .append(f.links()).append(f.links() == 1 ? " link" : " links");
        }
        return sb.toString();
    }
}
