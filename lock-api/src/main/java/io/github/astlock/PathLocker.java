package io.github.astlock;

import io.github.astlock.LockFailedException.Reason;
import io.github.astlock.internal.Backoff;
import io.github.astlock.internal.BothProtocol;
import io.github.astlock.internal.DirectoryLockProtocol;
import io.github.astlock.internal.Errors;
import io.github.astlock.internal.ExitRelease;
import io.github.astlock.internal.FlockProtocol;
import io.github.astlock.internal.HolderDescription;
import io.github.astlock.internal.LocalLockTable;
import io.github.astlock.internal.LockProtocol;
import io.github.astlock.internal.LockfileProtocol;
import io.github.astlock.internal.ReleaseSource;
import io.github.astlock.internal.RootFolderCheck;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.LockBackendProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks directories the way Asterisk's {@code ast_lock_path()} does, so a JVM and a running
 * Asterisk can both work in one voicemail spool. Thread-safe; create one and share it.
 *
 * <pre>{@code
 * PathLocker locker = PathLocker.create();          // LOCKFILE, 5 s, best backend found
 * try (PathLock lock = locker.lock(Path.of("/var/spool/asterisk/voicemail/default/1234/INBOX"))) {
 *     // add, move or delete messages here
 * }
 * }</pre>
 *
 * <p>Threads of one JVM wait for each other on an in-memory queue per directory (keyed by the
 * directory's device and inode), so only one of them at a time competes for the file on disk.
 * Locks are not re-entrant: a thread that locks a directory it already holds gets a
 * {@link LockFailedException} with reason {@link Reason#ALREADY_HELD} at once, instead of
 * deadlocking against itself as Asterisk does.
 *
 * <p>Relative paths are resolved against the working directory when the lock is taken.
 */
public final class PathLocker {
    private static final Logger LOG = LoggerFactory.getLogger(PathLocker.class);

    /** System property: {@code false} disables releasing held locks when the JVM exits. */
    public static final String SHUTDOWN_HOOK_PROPERTY = "astlock.shutdownHook";

    /** Locks held in this JVM, released by a shutdown hook if still held at exit. */
    private static final java.util.Set<PathLock> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean HOOK = new java.util.concurrent.atomic.AtomicBoolean();

    private final LockOptions options;
    private final LockBackendProvider backend;
    private final LockProtocol protocol;
    private final FileOps ops;
    private final LocalLockTable table;
    /** Where waits of this locker learn of releases: the backend's own watch, else the shared one. */
    private final ReleaseSource releases;

    private PathLocker(LockOptions options, LockBackendProvider backend, LocalLockTable table) {
        this.options = Objects.requireNonNull(options, "options");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.table = table;
        if (!backend.availability().usable()) {
            throw new BackendSelectionException("backend '" + backend.id() + "' cannot run here: "
                    + backend.availability().reason());
        }
        this.ops = backend.fileOps();
        this.protocol = protocolFor(options, backend, ops);
        this.releases = ReleaseSource.of(ops);
    }

    private static LockProtocol protocolFor(LockOptions options, LockBackendProvider backend, FileOps ops) {
        if (!backend.supportedModes().containsAll(options.mode().components())) {
            return null;
        }
        // The directory lock, where the backend can take it, keeps astlock users of one host
        // apart whatever Asterisk unlinks.
        return backend.supportsDirectoryLock() ? new DirectoryLockProtocol(ops, o -> asteriskProtocolFor(options, o))
                : asteriskProtocolFor(options, ops);
    }

    private static LockProtocol asteriskProtocolFor(LockOptions options, FileOps ops) {
        switch (options.mode()) {
            case LOCKFILE: return new LockfileProtocol(ops, options.lockfilePermissions(), LockMode.LOCKFILE,
                    options.stalePolicy(), options.leftoverAge());
            case FLOCK: return new FlockProtocol(ops, options.flockFilePermissions(), LockMode.FLOCK);
            case BOTH: return new BothProtocol(new FlockProtocol(ops, options.flockFilePermissions(), LockMode.BOTH),
                    new LockfileProtocol(ops, options.lockfilePermissions(), LockMode.BOTH, options.stalePolicy(),
                    options.leftoverAge()));
            default: throw new AssertionError(options.mode());
        }
    }

    private String unsupportedReason(LockMode mode) {
        for (LockMode c : mode.components()) {
            if (!backend.supportedModes().contains(c)) {
                return c == mode ? backend.unsupportedModeReason(mode)
                        : mode + " needs " + mode.components() + ": " + backend.unsupportedModeReason(c);
            }
        }
        return backend.unsupportedModeReason(mode);
    }

    /**
     * A locker with the {@link LockOptions#defaults() defaults} and the backend chosen by
     * {@link LockBackends#select()}.
     *
     * @return the locker
     * @throws BackendSelectionException when no backend can be used
     */
    public static PathLocker create() {
        return create(LockOptions.defaults());
    }

    /**
     * A locker with the given options and the backend chosen by {@link LockBackends#select()}.
     *
     * @param options the options
     * @return the locker
     * @throws BackendSelectionException when no backend can be used
     */
    public static PathLocker create(LockOptions options) {
        return new PathLocker(options, LockBackends.select(), LocalLockTable.GLOBAL);
    }

    /**
     * A locker with the given options and the backend with the given id.
     *
     * @param options   the options
     * @param backendId for example {@code "jna"}; {@code null} means automatic
     * @return the locker
     * @throws BackendSelectionException when that backend is missing or unusable
     */
    public static PathLocker create(LockOptions options, String backendId) {
        return new PathLocker(options, LockBackends.select(backendId), LocalLockTable.GLOBAL);
    }

    /**
     * A locker on a given backend instance, bypassing discovery (the compatibility kit uses this).
     *
     * @param options the options
     * @param backend the backend
     * @return the locker
     * @throws BackendSelectionException when the backend reports itself unusable
     */
    public static PathLocker create(LockOptions options, LockBackendProvider backend) {
        return new PathLocker(options, backend, LocalLockTable.GLOBAL);
    }

    /**
     * Returns the options.
     *
     * @return the options
     */
    public LockOptions options() {
        return options;
    }

    /**
     * Returns the backend.
     *
     * @return the backend
     */
    public LockBackendProvider backend() {
        return backend;
    }

    /**
     * Locks a directory, waiting up to the configured {@link LockOptions#timeout()}.
     *
     * @param directory the directory to lock
     * @return the held lock; close it to release
     * @throws LockTimeoutException     when someone else held it for the whole timeout
     * @throws LockPathException        when the directory is missing or the lock file cannot be made
     * @throws LockFailedException      when the lock is refused (see {@link LockFailedException.Reason})
     * @throws LockInterruptedException when the thread is interrupted while waiting
     */
    public PathLock lock(Path directory) throws LockException {
        return lock(directory, options.timeout());
    }

    /**
     * Locks a directory, waiting up to {@code timeout}.
     *
     * @param directory the directory to lock
     * @param timeout   how long to wait; zero means exactly one try
     * @return the held lock
     * @throws LockException as {@link #lock(Path)}
     * @throws IllegalArgumentException when the timeout is negative
     */
    public PathLock lock(Path directory, Duration timeout) throws LockException {
        try {
            return acquire(directory, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(absolute(directory), options.mode(), e);
        }
    }

    /**
     * Tries once, without waiting.
     *
     * @param directory the directory to lock
     * @return the held lock, or empty when someone else holds it
     * @throws LockException for every failure other than contention
     */
    public Optional<PathLock> tryLock(Path directory) throws LockException {
        try {
            return Optional.of(lock(directory, Duration.ZERO));
        } catch (LockTimeoutException e) {
            return Optional.empty();
        }
    }

    /**
     * Locks a directory, waiting up to the configured timeout; an interrupt ends the wait with
     * {@link InterruptedException}, leaving nothing behind.
     *
     * @param directory the directory to lock
     * @return the held lock
     * @throws LockException        as {@link #lock(Path)}
     * @throws InterruptedException when interrupted while waiting
     */
    public PathLock lockInterruptibly(Path directory) throws LockException, InterruptedException {
        return acquire(directory, options.timeout());
    }

    /**
     * Like {@link #lockInterruptibly(Path)} with an explicit timeout.
     *
     * @param directory the directory to lock
     * @param timeout   how long to wait; zero means one try
     * @return the held lock
     * @throws LockException        as {@link #lock(Path)}
     * @throws InterruptedException when interrupted while waiting
     */
    public PathLock lockInterruptibly(Path directory, Duration timeout) throws LockException, InterruptedException {
        return acquire(directory, timeout);
    }

    private static Path absolute(Path directory) {
        return Objects.requireNonNull(directory, "directory").toAbsolutePath();
    }

    private PathLock acquire(Path directory, Duration timeout) throws LockException, InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: must not be negative, was " + timeout);
        }
        Path dir = absolute(directory);
        LockMode mode = options.mode();
        if (protocol == null) {
            throw new LockFailedException(dir, mode, Reason.UNSUPPORTED_MODE,
                    unsupportedReason(mode), null, null);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before locking " + dir);
        }
        long deadline = Backoff.deadline(timeout);
        // Made before the wait in memory, so that a timeout reports the whole wait; it watches
        // nothing until its first pause.
        Backoff backoff = new Backoff(options.initialBackoff(), options.maxBackoff())
                .watching(dir, releases);
        FileStat dirStatus = directoryStatus(dir, mode);
        LocalLockTable.Key key = new LocalLockTable.Key(dirStatus.dev(), dirStatus.ino());
        HandOverKey compatibility = new HandOverKey(backend, mode, options.lockfilePermissions(),
                options.flockFilePermissions(), dir);
        LocalLockTable.Entry entry;
        try {
            entry = table.acquire(key, deadline, compatibility);
        } catch (LocalLockTable.AlreadyHeldException e) {
            throw new LockFailedException(dir, mode, Reason.ALREADY_HELD,
                    "this thread already holds this directory; locks are not re-entrant", null, null);
        }
        if (entry == null) {
            Thread owner = table.ownerOf(key);
            throw new LockTimeoutException(dir, mode, timeout, "held in this JVM"
                    + (owner != null ? " by thread '" + owner.getName() + "'" : ""));
        }
        Object handed = table.takeHandedOver(entry);
        if (handed != null) {
            Handle handle = new Handle(dir, mode, backend.id(), (LockProtocol.Held) handed, entry, compatibility);
            track(handle);
            refuseWhenExiting(handle);
            if (Thread.interrupted()) {
                // Handed over as the interrupt came: give it on (or release it) at once.
                try {
                    handle.close();
                } catch (LockException e) {
                    LOG.debug("giving back {} after an interrupt: {}", dir, e.getMessage());
                }
                throw new InterruptedException("interrupted while waiting for " + dir);
            }
            LOG.debug("locked {} ({}, backend {}), handed over by another thread", dir, mode, backend.id());
            return handle;
        }
        Handle handle;
        try {
            if (!backend.supportsDirectoryLock()) {
                RootFolderCheck.checkPath(ops, dir, mode);
            }
            LockProtocol.Held held = protocol.acquire(dir, dirStatus, deadline, backoff);
            table.takenOnDisk(entry);
            LOG.debug("locked {} ({}, backend {})", dir, mode, backend.id());
            handle = new Handle(dir, mode, backend.id(), held, entry, compatibility);
            track(handle);
        } catch (LockTimeoutException e) {
            table.release(entry);
            LOG.debug("{}", e.getMessage()); // the caller's business: it gets the exception or an empty tryLock
            throw e;
        } catch (LockException | InterruptedException | RuntimeException | Error e) {
            table.release(entry);
            throw e;
        } finally {
            backoff.close();
        }
        refuseWhenExiting(handle); // outside the try: giving back also gives the turn back
        return handle;
    }

    /**
     * What two lockers must share for a held lock to pass from one thread to another without a
     * release on disk: the same backend instance (the same primitives and directory lock), the
     * same mode, the same permissions for files they create, and the same spelling of the
     * folder's path (the held state names its files through the path it was taken with).
     */
    private record HandOverKey(LockBackendProvider backend, LockMode mode, int lockfilePermissions,
            int flockFilePermissions, Path dir) {
        @Override
        public boolean equals(Object o) {
            return o instanceof HandOverKey k && k.backend == backend && k.mode == mode
                    && k.lockfilePermissions == lockfilePermissions && k.flockFilePermissions == flockFilePermissions
                    && k.dir.equals(dir);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(backend) * 31 + dir.hashCode();
        }
    }

    /**
     * Inspects a directory's locks without taking them: whether {@code .lock} exists and who
     * made it (astlock's owner record, or "unknown" for Asterisk's empty file), whether someone
     * holds {@code flock(2)} on {@code lock} (from {@code /proc/locks}), and leftover temporary
     * files. Both modes are inspected, whatever this locker's mode.
     *
     * @param directory the directory
     * @return the status
     * @throws LockException when the directory is missing or cannot be read
     */
    public LockStatus status(Path directory) throws LockException {
        Path dir = absolute(directory);
        LockMode mode = options.mode();
        directoryKey(dir, mode);
        try {
            Optional<LockHolder> lockfile = HolderDescription.lockfile(ops, dir.resolve(LockMode.LOCKFILE.lockFileName()));
            Optional<LockHolder> flock = HolderDescription.flock(ops, dir.resolve(LockMode.FLOCK.lockFileName()));
            java.util.List<LeftoverFile> leftovers = new java.util.ArrayList<>();
            for (String name : ops.list(dir)) {
                boolean ours = LockfileProtocol.isOurTempName(name);
                if (ours || LockfileProtocol.ASTERISK_TEMP.matcher(name).matches()) {
                    Optional<FileStat> t = ops.lstat(dir.resolve(name));
                    if (t.isPresent()) {
                        leftovers.add(new LeftoverFile(dir.resolve(name), HolderDescription.age(t.get()), t.get().nlink(), ours));
                    }
                }
            }
            leftovers.sort(java.util.Comparator.comparing(LeftoverFile::path));
            return new LockStatus(dir, lockfile, flock, java.util.List.copyOf(leftovers));
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode, Errors.Step.CHECK, e);
        }
    }

    /**
     * Breaks a stale LOCKFILE-mode {@code .lock} now, by the given policy, race-free (see
     * {@link StalePolicy}); logged at WARN. For operators' tools; normal lockers set
     * {@link LockOptions#stalePolicy()} instead.
     *
     * @param directory the directory
     * @param policy    what counts as stale
     * @param dryRun    only report what would be broken
     * @return why {@code .lock} was (or, with {@code dryRun}, would be) broken; empty when there is
     *     nothing stale to break
     * @throws LockException when the directory cannot be inspected or the break fails
     */
    public Optional<String> breakStaleLock(Path directory, StalePolicy policy, boolean dryRun) throws LockException {
        Path dir = absolute(directory);
        directoryKey(dir, LockMode.LOCKFILE);
        java.util.function.Function<FileOps, LockfileProtocol> lockfileOn = o -> new LockfileProtocol(o,
                options.lockfilePermissions(), LockMode.LOCKFILE, policy, options.leftoverAge());
        LockfileProtocol lockfile = lockfileOn.apply(ops);
        if (dryRun || !backend.supportsDirectoryLock()) {
            if (!dryRun) {
                RootFolderCheck.checkPath(ops, dir, LockMode.LOCKFILE);
            }
            return lockfile.breakStale(dir, dryRun);
        }
        // Under the directory lock no astlock process of this host is inside the lock protocol
        // for this folder, so moving .lock aside and back cannot let one in or resurrect a lock
        // it has just released. When an astlock process holds the directory lock, it holds
        // .lock or waits for it; then only that process could take .lock in the short window
        // of the break, and a .lock it took is put back, so the break goes ahead without it.
        try {
            return new DirectoryLockProtocol(ops, lockfileOn::apply).whileLocked(dir, Backoff.deadline(Duration.ZERO),
                    new Backoff(options.initialBackoff(), options.maxBackoff()),
                    bound -> lockfileOn.apply(bound).breakStale(dir, false));
        } catch (LockTimeoutException busy) {
            return DirectoryLockProtocol.withFolder(ops, dir, LockMode.LOCKFILE,
                    bound -> lockfileOn.apply(bound).breakStale(dir, false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(dir, LockMode.LOCKFILE, e);
        }
    }

    /**
     * The identity (device, inode) of a directory, for {@link AstLockPath}.
     *
     * @param dir an absolute path
     * @return a value that is equal for every spelling of the same directory
     * @throws LockException when the path is missing or not a directory
     */
    Object directoryIdentity(Path dir) throws LockException {
        return directoryKey(dir, options.mode());
    }

    private LocalLockTable.Key directoryKey(Path dir, LockMode mode) throws LockException {
        FileStat st = directoryStatus(dir, mode);
        return new LocalLockTable.Key(st.dev(), st.ino());
    }

    /** The status of the folder, which must be a directory. */
    private FileStat directoryStatus(Path dir, LockMode mode) throws LockException {
        Optional<FileStat> st;
        try {
            st = ops.stat(dir);
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode, Errors.Step.DIRECTORY, e);
        }
        if (st.isEmpty()) {
            throw new LockPathException(dir, mode, "directory not found: stat failed: "
                    + io.github.astlock.spi.Errno.ENOENT, io.github.astlock.spi.Errno.ENOENT, null);
        }
        if (st.get().type() != FileType.DIRECTORY) {
            throw new LockPathException(dir, mode, "not a directory (it is a "
                    + st.get().type().name().toLowerCase(java.util.Locale.ROOT) + " file): "
                    + io.github.astlock.spi.Errno.ENOTDIR, io.github.astlock.spi.Errno.ENOTDIR, null);
        }
        return st.get();
    }

    private static void track(PathLock handle) {
        HELD.add(handle);
        if (HOOK.compareAndSet(false, true)
                && !"false".equalsIgnoreCase(System.getProperty(SHUTDOWN_HOOK_PROPERTY, "true"))) {
            Thread hook = new Thread(PathLocker::releaseAllAtExit, "astlock-release-at-exit");
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException | SecurityException e) {
                LOG.warn("cannot release held locks at JVM exit: {}", e.toString());
            }
        }
    }

    /**
     * Gives a lock back at once when the JVM began exiting while it was taken: the exit hook may
     * already have gone through the held locks without it. Either the hook finds the handle (it
     * was tracked before this look) or this look finds the flag the hook sets before it starts.
     */
    private static void refuseWhenExiting(Handle handle) throws LockException {
        if (!ExitRelease.exiting()) {
            return;
        }
        try {
            handle.close();
        } catch (LockException | RuntimeException e) {
            LOG.debug("giving back {} while the JVM exits: {}", handle.directory(), e.getMessage());
        }
        throw ExitRelease.refusal(handle.directory(), handle.mode());
    }

    /**
     * Releases the locks still held when the JVM exits normally or on SIGTERM/SIGINT, then the
     * lock files no caller holds yet: one just made, or one on its way from a closing thread to
     * a waiting one (see {@link ExitRelease}).
     */
    private static void releaseAllAtExit() {
        ExitRelease.begin();
        for (PathLock lock : HELD) {
            try {
                LOG.warn("JVM exiting: releasing {} still held", lock);
                lock.close();
            } catch (LockException | RuntimeException e) {
                LOG.warn("JVM exiting: {}", e.getMessage());
            }
        }
        int more = ExitRelease.releaseRemaining();
        if (more > 0) {
            LOG.warn("JVM exiting: released {} more lock file(s) that were being taken or passed between threads", more);
        }
    }

    @Override
    public String toString() {
        return "PathLocker[" + options + ", backend=" + backend.id() + "]";
    }

    private final class Handle implements PathLock {
        private final Path dir;
        private final LockMode mode;
        private final String backendId;
        private final LockProtocol.Held held;
        private final java.time.Instant acquiredAt = java.time.Instant.now();
        private final HandOverKey compatibility;
        private LocalLockTable.Entry entry;

        Handle(Path dir, LockMode mode, String backendId, LockProtocol.Held held, LocalLockTable.Entry entry,
                HandOverKey compatibility) {
            this.dir = dir;
            this.mode = mode;
            this.backendId = backendId;
            this.held = held;
            this.entry = entry;
            this.compatibility = compatibility;
        }

        @Override
        public Path directory() {
            return dir;
        }

        @Override
        public LockMode mode() {
            return mode;
        }

        @Override
        public Path lockFile() {
            return dir.resolve(mode.lockFileName());
        }

        @Override
        public String backendId() {
            return backendId;
        }

        @Override
        public java.time.Instant acquiredAt() {
            return acquiredAt;
        }

        @Override
        public synchronized boolean isReleased() {
            return entry == null;
        }

        @Override
        public boolean isValid() {
            if (isReleased()) {
                return false;
            }
            try {
                checkValid();
                return true;
            } catch (LockException e) {
                return false;
            }
        }

        @Override
        public synchronized void checkValid() throws LockException {
            if (entry == null) {
                throw new IllegalStateException("cannot check " + dir + " (" + mode
                        + "): this handle was released by close(); the lock was not lost");
            }
            held.checkValid();
        }

        @Override
        public synchronized void close() throws LockException {
            if (entry == null) {
                return;
            }
            if (handOver()) {
                return;
            }
            try {
                held.release();
                LOG.debug("unlocked {} ({})", dir, mode);
            } catch (LockLostException lost) {
                released();
                LOG.debug("{}", lost.getMessage()); // thrown to the caller
                throw lost;
            }
            // Any other failure leaves the handle held: the lock may still be on disk, so a
            // later close() (or the exit hook) tries again instead of forgetting it.
            released();
        }

        /**
         * Passes the held lock to the next thread of this JVM waiting for this folder with a
         * compatible locker, within the table's bounds, after the same cheap look the release
         * makes first. When that look fails, nothing is handed over: the release that follows
         * reports the loss as usual, and the waiter takes the lock on disk.
         */
        private boolean handOver() {
            if (ExitRelease.exiting() || !table.handOverWanted(entry, compatibility)) {
                return false;
            }
            try {
                held.checkKept();
            } catch (LockException e) {
                return false;
            }
            if (!table.handOver(entry, compatibility, held)) {
                return false; // the waiter left meanwhile: release on disk
            }
            entry = null;
            HELD.remove(this);
            LOG.debug("handed {} ({}) over to another thread", dir, mode);
            return true;
        }

        private void released() {
            LocalLockTable.Entry e = entry;
            entry = null;
            table.release(e);
            // Only now: a shutdown hook that finds this handle waits on its monitor until the
            // release above is done, instead of letting the JVM halt in the middle of it.
            HELD.remove(this);
        }

        @Override
        public String toString() {
            return "PathLock[" + lockFile() + ", " + mode + ", backend " + backendId
                    + (isReleased() ? ", released" : "") + "]";
        }
    }
}
