package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.LockPathException;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second lock, among astlock users only, wrapped around one of Asterisk's protocols: an
 * exclusive {@code flock(2)} on the folder's own directory descriptor, taken before the inner
 * protocol's lock and released after it. Asterisk never opens, locks or unlinks the directory,
 * so whatever Asterisk removes ({@code lock} on its flock unlock, {@code .lock} on its blind
 * unlink), two astlock processes of one host never hold the folder at once; Asterisk itself is
 * still excluded only by the inner protocol.
 *
 * <p>While the directory lock is held, no other astlock process of this host (using a backend
 * that can lock directories) can be inside the inner protocol for this folder: not locking,
 * not breaking a stale lock, not releasing. That makes every window in which {@code .lock} is
 * briefly moved aside (release, stale breaking) invisible to them. The symbolic link, if the
 * folder's name is one, is followed as everywhere else (as root only one root owns, and the
 * inner protocol then reaches the folder through the locked descriptor: see
 * {@link RootFolderCheck}); after locking, the name must still
 * lead to the locked directory, otherwise the attempt starts again on the new one, and a folder
 * removed while waiting ends the wait with a {@link LockPathException}.
 */
public final class DirectoryLockProtocol implements LockProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLockProtocol.class);

    /** How often a waiter in the kernel checks that the folder's name still leads to it. */
    private static final long NAME_CHECK_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);

    private final FileOps ops;
    private final java.util.function.Function<FileOps, LockProtocol> innerOn;
    private final LockProtocol inner;
    /** Whether waits go through {@link DirectoryHandOff}; off once the backend proves unable. */
    private volatile boolean kernelWait = true;

    /**
     * Creates an instance.
     *
     * @param ops     the backend primitives; must implement {@link FileOps#openDirectoryForFlock(Path)}
     * @param innerOn the Asterisk protocol to wrap, made on the primitives it is to use: running as
     *                root, those that reach the folder through its open descriptor
     */
    public DirectoryLockProtocol(FileOps ops, java.util.function.Function<FileOps, LockProtocol> innerOn) {
        this.ops = ops;
        this.innerOn = innerOn;
        this.inner = innerOn.apply(ops);
    }

    @Override
    public LockMode mode() {
        return inner.mode();
    }

    /**
     * Returns the wrapped protocol, on the backend's own primitives.
     *
     * @return the wrapped protocol
     */
    public LockProtocol inner() {
        return inner;
    }

    /**
     * The primitives the inner protocol uses for the folder locked by {@code guard}: as root,
     * after checking that the opened directory is the folder by {@link RootFolderCheck}'s rule,
     * primitives bound to the open descriptor; otherwise the backend's own.
     */
    private FileOps opsFor(Path dir, FlockFile guard) throws LockException {
        return Ownership.isRoot() ? bound(ops, dir, guard, mode()) : ops;
    }

    /**
     * {@link #opsFor} for a locked directory; when the kernel already named it by the folder's
     * path after it was locked (see {@link LockedDirectory#namedByKernel()}), that check is not
     * made again.
     */
    private FileOps opsFor(Path dir, LockedDirectory locked) throws LockException {
        if (locked.namedByKernel()) {
            Optional<Path> fd = locked.guard().descriptorPath();
            if (fd.isPresent()) {
                return new FolderBoundOps(ops, dir, fd.get());
            }
        }
        return opsFor(dir, locked.guard());
    }

    /**
     * As root: checks the opened directory and returns primitives bound to its descriptor, or,
     * when the backend does not tell the descriptor's path, checks the folder's path once and
     * returns the backend's own.
     */
    private static FileOps bound(FileOps ops, Path dir, FlockFile opened, LockMode mode) throws LockException {
        Optional<Path> fd = opened.descriptorPath();
        if (fd.isEmpty()) {
            RootFolderCheck.resolveTrusted(ops, dir, mode);
            return ops;
        }
        RootFolderCheck.verifyOpened(ops, dir, fd.get(), mode);
        return new FolderBoundOps(ops, dir, fd.get());
    }

    @Override
    public Held acquire(Path dir, long deadline, Backoff backoff) throws LockException, InterruptedException {
        return acquire(dir, null, deadline, backoff);
    }

    /**
     * {@inheritDoc} The inner protocol is given the locked directory's own status (taken from
     * its descriptor), not {@code dirStatus}.
     */
    @Override
    public Held acquire(Path dir, FileStat dirStatus, long deadline, Backoff backoff)
            throws LockException, InterruptedException {
        LockedDirectory locked = lockDirectory(dir, deadline, backoff);
        FlockFile guard = locked.guard();
        Held held;
        try {
            FileOps bound = opsFor(dir, locked);
            LockProtocol in = bound == ops ? inner : innerOn.apply(bound);
            backoff.reset();
            held = in.acquire(dir, locked.status(), deadline, backoff);
        } catch (LockException | InterruptedException | RuntimeException | Error e) {
            closeQuietly(guard);
            throw e;
        }
        return new Held() {
            @Override
            public void checkValid() throws LockException {
                held.checkValid();
            }

            @Override
            public void checkKept() throws LockException {
                held.checkKept();
            }

            @Override
            public void release() throws LockException {
                try {
                    held.release();
                } finally {
                    try {
                        guard.close();
                    } catch (ErrnoException e) {
                        LOG.debug("closing the directory descriptor of {} failed: {}", dir, e.getMessage());
                    }
                }
            }
        };
    }

    /**
     * Runs {@code action} while holding the directory lock, waiting for it until
     * {@code deadline}; for operations outside a held lock (breaking a stale lock).
     *
     * @param <T>      the result type
     * @param dir      the directory
     * @param deadline the deadline on the {@link System#nanoTime()} scale
     * @param backoff  the pauses between attempts
     * @param action   what to do while holding it
     * @return the action's result
     * @throws LockException        a timeout, or the action's failure
     * @throws InterruptedException when interrupted while waiting
     */
    public <T> T whileLocked(Path dir, long deadline, Backoff backoff, Action<T> action)
            throws LockException, InterruptedException {
        LockedDirectory locked = lockDirectory(dir, deadline, backoff);
        FlockFile guard = locked.guard();
        try {
            return action.run(opsFor(dir, locked));
        } finally {
            closeQuietly(guard);
        }
    }

    /**
     * Runs {@code action} on the folder without its directory lock: as root, through its open
     * descriptor after the same check as when locking; for others, on the backend's primitives.
     *
     * @param <T>    the result type
     * @param ops    the backend primitives; must implement {@link FileOps#openDirectoryForFlock(Path)}
     * @param dir    the directory
     * @param mode   the mode, for errors
     * @param action what to do
     * @return the action's result
     * @throws LockException the check's or the action's failure
     */
    public static <T> T withFolder(FileOps ops, Path dir, LockMode mode, Action<T> action) throws LockException {
        if (!Ownership.isRoot()) {
            return action.run(ops);
        }
        FlockFile opened;
        try {
            opened = ops.openDirectoryForFlock(dir);
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode, Errors.Step.DIRECTORY, e);
        }
        try {
            return action.run(bound(ops, dir, opened, mode));
        } finally {
            closeQuietly(opened);
        }
    }

    /**
     * Something done under the directory lock.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface Action<T> {
        /**
         * Does it.
         *
         * @param ops the primitives to use for the folder (bound to its descriptor as root)
         * @return the result
         * @throws LockException on failure
         */
        T run(FileOps ops) throws LockException;
    }

    /**
     * A locked directory descriptor and the directory's status, read from that descriptor.
     *
     * @param namedByKernel whether, running as root, the kernel named the locked directory by the
     *                      folder's own path after it was locked ({@link RootFolderCheck#namedByKernel})
     */
    private record LockedDirectory(FlockFile guard, FileStat status, boolean namedByKernel) {
    }

    private LockedDirectory lockDirectory(Path dir, long deadline, Backoff backoff)
            throws LockException, InterruptedException {
        while (true) {
            FlockFile guard;
            try {
                guard = ops.openDirectoryForFlock(dir);
            } catch (ErrnoException e) {
                throw Errors.map(dir, mode(), Errors.Step.DIRECTORY, e);
            }
            boolean keep = false;
            try {
                FileStat opened = guard.fstat();
                boolean replaced = false;
                while (!guard.tryLockExclusive()) {
                    if (kernelWait && Backoff.remaining(deadline) > 0) {
                        keep = true; // the descriptor belongs to the hand-off now
                        FlockFile locked = waitInKernel(dir, guard, opened, deadline, backoff);
                        if (locked != null) {
                            return new LockedDirectory(locked, opened, false);
                        }
                        replaced = true;
                        break;
                    }
                    if (!backoff.pause(deadline)) {
                        throw new LockTimeoutException(dir, mode(), backoff.elapsed(), describeHolder(opened));
                    }
                    if (!stillNamed(dir, opened)) {
                        replaced = true;
                        break;
                    }
                }
                if (!keep && !replaced) {
                    // As root, one readlink(2) proves both that the name still leads to the
                    // locked directory and that no symbolic link was followed to it; the stat of
                    // the name is made only when it does not.
                    boolean named = namedByKernel(dir, guard);
                    if (named || stillNamed(dir, opened)) {
                        keep = true;
                        return new LockedDirectory(guard, opened, named);
                    }
                }
                if (keep && !kernelWait) {
                    continue; // the backend cannot wait in flock: poll from now on
                }
                LOG.debug("{} now names another directory than the one being locked; starting again", dir);
                if (Backoff.remaining(deadline) <= 0) {
                    throw new LockTimeoutException(dir, mode(), backoff.elapsed(),
                            dir + " kept naming another directory while we locked it");
                }
                backoff.pause(deadline);
            } catch (ErrnoException e) {
                throw Errors.map(dir, mode(), Errors.Step.DIRECTORY, e);
            } finally {
                if (!keep) {
                    closeQuietly(guard);
                }
            }
        }
    }

    /**
     * Waits for the directory lock through {@link DirectoryHandOff}, which owns {@code guard}
     * from now on, checking now and then that the name still leads to the directory.
     *
     * @return the locked descriptor, or {@code null} when the name now leads elsewhere or the
     *     backend cannot wait in {@code flock} (then {@link #kernelWait} is off)
     */
    private FlockFile waitInKernel(Path dir, FlockFile guard, FileStat opened, long deadline, Backoff backoff)
            throws LockException, ErrnoException, InterruptedException {
        DirectoryHandOff.Wait wait = DirectoryHandOff.start(guard, opened);
        try {
            while (true) {
                FlockFile locked;
                try {
                    locked = wait.await(Math.min(Backoff.remaining(deadline), NAME_CHECK_NANOS));
                } catch (UnsupportedOperationException e) {
                    kernelWait = false;
                    return null;
                }
                if (locked != null) {
                    boolean ok = false;
                    try {
                        ok = stillNamed(dir, opened);
                        return ok ? locked : null;
                    } finally {
                        if (!ok) {
                            closeQuietly(locked);
                        }
                    }
                }
                if (Backoff.remaining(deadline) <= 0) {
                    throw new LockTimeoutException(dir, mode(), backoff.elapsed(), describeHolder(opened));
                }
                if (!stillNamed(dir, opened)) {
                    return null;
                }
            }
        } finally {
            wait.leave();
        }
    }

    /**
     * Running as root, whether the kernel names the directory open as {@code guard} by the
     * folder's own path (see {@link RootFolderCheck#namedByKernel}): then the folder's name
     * leads to it now, which is what {@link #stillNamed} would find with a {@code stat}, and no
     * symbolic link was followed to it, which is what the check before binding the folder to
     * its descriptor would find with the same {@code readlink}. Always {@code false} for other
     * users (they check the name with a {@code stat}, and follow links as Asterisk does) and for
     * a backend that does not tell a descriptor's path.
     */
    private static boolean namedByKernel(Path dir, FlockFile guard) {
        if (!Ownership.isRoot()) {
            return false;
        }
        Optional<Path> fd = guard.descriptorPath();
        return fd.isPresent() && RootFolderCheck.namedByKernel(dir, fd.get());
    }

    /**
     * Whether the folder's name still leads to the directory we opened.
     *
     * @return {@code false} when it leads to another directory
     * @throws LockPathException when the folder is gone
     */
    private boolean stillNamed(Path dir, FileStat opened) throws LockException, ErrnoException {
        Optional<FileStat> now = ops.stat(dir);
        if (now.isEmpty()) {
            throw new LockPathException(dir, mode(), "the directory was removed while waiting for its lock: "
                    + Errno.ENOENT, Errno.ENOENT, null);
        }
        return now.get().sameInode(opened);
    }

    private static String describeHolder(FileStat dirStat) {
        List<Long> pids = ProcLocks.flockHolders(dirStat);
        return "another astlock process " + (pids.isEmpty() ? "" : "(pid " + pids.get(0) + ") ")
                + "holds or is waiting for the folder";
    }

    private static void closeQuietly(FlockFile f) {
        try {
            f.close();
        } catch (ErrnoException e) {
            LOG.debug("closing a directory descriptor failed: {}", e.getMessage());
        }
    }
}
