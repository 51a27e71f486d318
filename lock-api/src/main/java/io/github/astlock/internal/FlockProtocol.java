package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockFailedException;
import io.github.astlock.LockFailedException.Reason;
import io.github.astlock.LockMode;
import io.github.astlock.LockPathException;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asterisk's {@code lockmode=flock} (FL-*): an exclusive {@code flock(2)} on {@code <dir>/lock}.
 * Differences from Asterisk, all deliberate: the file is opened without following a symbolic
 * link and without blocking on a FIFO, and refused unless it is a regular file with one link
 * (KD-9); after {@code flock} succeeds, the name must still be the locked inode, otherwise the
 * attempt starts again (the identity check Asterisk meant to make, KD-1); waiting sleeps with
 * backoff; release closes the descriptor and leaves {@code lock} in place, because unlinking it
 * is what lets two Asterisk waiters in at once.
 */
public final class FlockProtocol implements LockProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(FlockProtocol.class);

    private final FileOps ops;
    private final int permissions;
    private final LockMode reportAs;

    /**
     * Creates an instance.
     *
     * @param ops         the backend primitives
     * @param permissions permission bits of the file this protocol creates (masked by the umask)
     * @param reportAs    the mode named in failures: this protocol's own, or {@link LockMode#BOTH} when composed
     */
    public FlockProtocol(FileOps ops, int permissions, LockMode reportAs) {
        this.ops = ops;
        this.permissions = permissions;
        this.reportAs = reportAs;
    }

    @Override
    public LockMode mode() {
        return reportAs;
    }

    @Override
    public Held acquire(Path dir, long deadline, Backoff backoff) throws LockException, InterruptedException {
        return acquire(dir, null, deadline, backoff);
    }

    @Override
    public Held acquire(Path dir, FileStat dirStatus, long deadline, Backoff backoff)
            throws LockException, InterruptedException {
        Path lock = dir.resolve(LockMode.FLOCK.lockFileName());
        while (true) {
            refuseUnopenableForOwner(dir, dirStatus, lock);
            FlockFile file;
            try {
                file = ops.openForFlock(lock, Ownership.permissions(permissions));
            } catch (ErrnoException e) {
                throw Errors.map(dir, mode(), Errors.Step.OPEN_LOCK_FILE, e);
            }
            boolean keep = false;
            try {
                FileStat opened = checkOpened(dir, lock, file);
                if (opened != null) {
                    boolean orphaned = false;
                    while (true) {
                        boolean locked;
                        try {
                            locked = file.tryLockExclusive();
                        } catch (ErrnoException e) {
                            throw Errors.map(dir, mode(), Errors.Step.FLOCK, e);
                        }
                        if (locked) {
                            break;
                        }
                        if (!backoff.pause(deadline)) {
                            throw new LockTimeoutException(dir, mode(), backoff.elapsed(),
                                    HolderDescription.ofFlock(ops, lock));
                        }
                        if (!stillNamed(dir, lock, opened)) {
                            // Waiting on an inode nobody can find any more would wait for nothing
                            // (or for a holder that unlinked it): follow the name again.
                            orphaned = true;
                            break;
                        }
                    }
                    if (!orphaned && stillNamed(dir, lock, opened)) {
                        adopt(dir, dirStatus, lock, opened);
                        keep = true;
                        return new HeldFlock(new HeldInode(ops, dir, lock, mode(), opened), file);
                    }
                    // KD-1: we locked an inode that is no longer named 'lock' (its holder unlinked
                    // it on unlock, as Asterisk does). Holding it excludes nobody: start again.
                    LOG.debug("{}: locked inode {} is no longer the lock file; retrying", lock, opened.identity());
                }
            } finally {
                if (!keep) {
                    closeQuietly(file);
                }
            }
            if (Backoff.remaining(deadline) <= 0) {
                throw new LockTimeoutException(dir, mode(), backoff.elapsed(),
                        lock + " kept being replaced while we locked it");
            }
        }
    }

    /**
     * Returns the status of the opened file, or {@code null} when it was unlinked meanwhile.
     *
     * @return the status of the opened file, or {@code null} when it was unlinked meanwhile
     */
    private FileStat checkOpened(Path dir, Path lock, FlockFile file) throws LockException {
        FileStat st;
        try {
            st = file.fstat();
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
        }
        if (st.type() != FileType.REGULAR) {
            throw new LockFailedException(dir, mode(), Reason.NOT_REGULAR_FILE,
                    lock + " is a " + st.type().name().toLowerCase() + ", not a regular file", null, null);
        }
        if (st.nlink() == 0) {
            return null;
        }
        if (st.nlink() > 1) {
            throw new LockFailedException(dir, mode(), Reason.HARD_LINKS,
                    lock + " has " + st.nlink() + " hard links; refusing a lock file that is also named elsewhere",
                    null, null);
        }
        return st;
    }

    private boolean stillNamed(Path dir, Path lock, FileStat opened) throws LockException {
        try {
            Optional<FileStat> named = ops.lstat(lock);
            if (named.isEmpty() && ops.stat(dir).isEmpty()) {
                throw new LockPathException(dir, mode(), "the directory was removed while waiting for its lock: "
                        + Errno.ENOENT, Errno.ENOENT, null);
            }
            return named.isPresent() && named.get().sameInode(opened);
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
        }
    }

    /**
     * Running as root, gives the locked file the directory's owner and group when it is not
     * the owner's yet, so an Asterisk running as that user can open it after we release.
     */
    private void adopt(Path dir, FileStat dirStatus, Path lock, FileStat opened) throws LockException {
        if (!Ownership.isRoot()) {
            return;
        }
        try {
            // The name was just proven to be the opened inode, so its status is the one we have.
            Ownership.adopt(ops, lock, opened, dir, dirStatus);
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode(), Errors.Step.OPEN_LOCK_FILE, e);
        }
    }

    /**
     * Neither root nor the directory's owner: creating {@code lock} would leave a file (ours,
     * {@code 0600}) that an Asterisk running as the directory's owner could not open, and
     * Asterisk works unlocked after such a failure. So such a caller may use an existing
     * {@code lock} but never creates one.
     */
    private void refuseUnopenableForOwner(Path dir, FileStat dirStatus, Path lock) throws LockException {
        int me = Ownership.euid();
        if (me == 0 || me < 0) {
            return;
        }
        try {
            Optional<FileStat> d = dirStatus != null ? Optional.of(dirStatus) : ops.stat(dir);
            if (d.isEmpty() || d.get().uid() == me || ops.lstat(lock).isPresent()) {
                return;
            }
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
        }
        throw new LockPathException(dir, mode(), "refusing to create " + lock + ": it would belong to user " + me
                + ", not to the directory's owner, and an Asterisk running as the owner could not open it; run as "
                + "the directory's owner or as root, or create the file as the owner first: " + Errno.EACCES,
                Errno.EACCES, null);
    }

    private static void closeQuietly(FlockFile file) {
        try {
            file.close();
        } catch (ErrnoException e) {
            LOG.warn("closing lock file descriptor failed: {}", e.getMessage());
        }
    }

    private static final class HeldFlock implements Held {
        private final HeldInode held;
        private final FlockFile file;

        HeldFlock(HeldInode held, FlockFile file) {
            this.held = held;
            this.file = file;
        }

        @Override
        public void checkValid() throws LockException {
            check("check");
        }

        private void check(String verb) throws LockException {
            held.requireNamed(verb, "was unlinked while held; a new locker can create it again, so exclusion may "
                    + "have been violated", "it was replaced while held, so exclusion may have been violated");
        }

        @Override
        public void release() throws LockException {
            try {
                check("unlock");
            } finally {
                try {
                    file.close();
                } catch (ErrnoException e) {
                    throw held.failure(e);
                }
            }
        }
    }
}
