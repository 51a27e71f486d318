package io.github.astlock.internal;

import io.github.astlock.LockHolder;
import io.github.astlock.LockMode;
import io.github.astlock.LockOwner;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds out who holds a lock file, in one place for {@code status} and for the messages of
 * timeouts: for {@code .lock} astlock's owner record (pid, host, whether it runs, age) or
 * "Asterisk or another tool" when there is none; for {@code lock} the pid holding
 * {@code flock(2)}, from {@code /proc/locks}.
 */
public final class HolderDescription {
    private HolderDescription() {
    }

    /**
     * The holder of a LOCKFILE-mode {@code .lock}. Only a regular file is read, so a FIFO or
     * device named {@code .lock} is described, never opened.
     *
     * @param ops     the backend primitives
     * @param dotLock the {@code .lock} file
     * @return the holder, or empty when {@code .lock} does not exist
     * @throws ErrnoException when {@code .lock} cannot be looked at
     */
    public static Optional<LockHolder> lockfile(FileOps ops, Path dotLock) throws ErrnoException {
        Optional<FileStat> st = ops.lstat(dotLock);
        if (st.isEmpty()) {
            return Optional.empty();
        }
        FileStat s = st.get();
        Optional<LockOwner> owner = Optional.empty();
        Optional<String> detail = Optional.empty();
        if (s.type() == FileType.REGULAR) {
            try {
                owner = LockOwner.parse(ops.read(dotLock, 4096));
            } catch (ErrnoException e) {
                detail = Optional.of("its owner record cannot be read: " + e.errno().name());
            }
        } else {
            detail = Optional.of(notRegular(s.type()) + "; it blocks every locker until it is removed by hand");
        }
        return Optional.of(new LockHolder(LockMode.LOCKFILE, dotLock, s.type(), s.identity(), age(s), owner,
                owner.map(o -> OptionalLong.of(o.pid())).orElse(OptionalLong.empty()),
                owner.map(LockOwner::liveness).orElse(LockOwner.Liveness.UNKNOWN), detail));
    }

    /**
     * The holder of a {@code flock(2)} on FLOCK-mode {@code lock}, as {@code /proc/locks} shows it.
     *
     * @param ops  the backend primitives
     * @param lock the {@code lock} file
     * @return the holder, or a problem that blocks FLOCK-mode lockers (not a regular file, hard links), or
     *     empty when {@code lock} does not exist or nobody visible holds it
     * @throws ErrnoException when {@code lock} cannot be looked at
     */
    public static Optional<LockHolder> flock(FileOps ops, Path lock) throws ErrnoException {
        Optional<FileStat> st = ops.lstat(lock);
        if (st.isEmpty()) {
            return Optional.empty();
        }
        FileStat s = st.get();
        if (s.type() != FileType.REGULAR || s.nlink() > 1) {
            String what = s.type() != FileType.REGULAR ? notRegular(s.type())
                    : "a lock file with " + s.nlink() + " hard links";
            return Optional.of(new LockHolder(LockMode.FLOCK, lock, s.type(), s.identity(), age(s), Optional.empty(),
                    OptionalLong.empty(), LockOwner.Liveness.UNKNOWN,
                    Optional.of(what + "; every FLOCK-mode locker refuses it until it is removed by hand")));
        }
        List<Long> pids = ProcLocks.flockHolders(st.get());
        Optional<Long> pid = pids.stream().filter(p -> p > 0).findFirst();
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LockHolder(LockMode.FLOCK, lock, st.get().type(), st.get().identity(),
                age(st.get()), Optional.empty(), OptionalLong.of(pid.get()), LockOwner.Liveness.ALIVE,
                Optional.empty()));
    }

    /**
     * Who holds {@code .lock}, for the message of a timeout; never fails.
     *
     * @param ops     the backend primitives
     * @param dotLock the {@code .lock} file
     * @return for example {@code "held by astlock, pid 4711 on pbx1 (...), 2.1 s old, owner running"}
     */
    public static String ofLockfile(FileOps ops, Path dotLock) {
        try {
            return lockfile(ops, dotLock).map(LockHolder::describeHolder)
                    .orElse(Text.printable(dotLock.getFileName().toString()) + " was released just now");
        } catch (ErrnoException e) {
            return "held by another process; " + Text.printable(dotLock.getFileName().toString())
                    + " cannot be looked at: " + e.errno().name();
        }
    }

    /**
     * Who holds {@code flock(2)} on {@code lock}, for the message of a timeout; never fails.
     *
     * @param ops  the backend primitives
     * @param lock the {@code lock} file
     * @return for example {@code "held by pid 4711 (from /proc/locks), 2.1 s old"}
     */
    public static String ofFlock(FileOps ops, Path lock) {
        try {
            return flock(ops, lock).map(LockHolder::describeHolder).orElse(
                    "held by another process that /proc/locks does not show (for example one in another PID "
                            + "namespace), or released just now");
        } catch (ErrnoException e) {
            return "held by another process; " + Text.printable(lock.getFileName().toString())
                    + " cannot be looked at: " + e.errno().name();
        }
    }

    /**
     * Words for a lock file that is not a regular file.
     *
     * @param type its type
     * @return for example {@code "a symbolic link, not a regular file"}
     */
    public static String notRegular(FileType type) {
        String what;
        switch (type) {
            case DIRECTORY: what = "a directory"; break;
            case SYMLINK: what = "a symbolic link"; break;
            case FIFO: what = "a FIFO (named pipe)"; break;
            default: what = "a " + type.name().toLowerCase(Locale.ROOT) + " file"; break;
        }
        return "it is " + what + ", not a regular file";
    }

    /**
     * Returns the time since a file's status last changed (its ctime), at least zero.
     *
     * @param st the file's status
     * @return its age
     */
    public static Duration age(FileStat st) {
        return Duration.ofMillis(Math.max(0, System.currentTimeMillis() - st.ctimeNanos() / 1_000_000L));
    }
}
