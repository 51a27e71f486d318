package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockFailedException;
import io.github.astlock.LockLostException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOwner;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.StalePolicy;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileContent;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asterisk's default protocol (LF-*): {@code link(2)} a uniquely named temporary file to
 * {@code .lock}. Differences from Asterisk, all deliberate: the temporary name can never
 * collide with Asterisk's {@code .lock-XXXXXXXX}; waiting sleeps instead of spinning (KD-5); an
 * error other than EEXIST is reported as itself (KD-4); a link that reports EEXIST although it
 * worked is recognised only when {@code .lock} is proven to be our temporary file's inode and to
 * carry our owner token (KD-7; a link count of two proves nothing, since anyone may hard-link
 * the temporary file); release moves {@code .lock} to a private name first and removes it only
 * when that is proven ours (same inode, our token), otherwise puts it back and reports the lock
 * lost (KD-2). Lock files are never writable by group or others and, as root, belong to the
 * directory's owner (see {@link Ownership}).
 */
public final class LockfileProtocol implements LockProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(LockfileProtocol.class);

    /**
     * What every temporary file of ours starts with: {@code .lock.}, never Asterisk's {@code .lock-}.
     * Our names are {@code .lock.} and eight random characters, as long as Asterisk's
     * {@code .lock-XXXXXXXX}, so a folder whose path leaves just room for Asterisk's temporary
     * file leaves room for ours too.
     */
    public static final String TEMP_PREFIX = ".lock.";
    /** Our temporary file names: the current form, and the longer one of earlier versions. */
    private static final Pattern OUR_TEMP = Pattern.compile("\\.lock\\.(?:[0-9A-Za-z_-]{8}|astlock\\..+)");
    /** Asterisk's temporary file names (LF-1), which ours must never match. */
    public static final Pattern ASTERISK_TEMP = Pattern.compile("\\.lock-[0-9a-f]{8}");
    private static final char[] NAME_CHARS =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-".toCharArray();

    private final FileOps ops;
    private final int permissions;
    private final LockMode reportAs;
    private final StalePolicy stalePolicy;

    private final Duration leftoverAge;
    /** When each directory was last swept for leftovers by this JVM. */
    private static final RecentSweeps LAST_SWEEP = new RecentSweeps(4096);

    /**
     * Creates an instance.
     *
     * @param ops         the backend primitives
     * @param permissions permission bits of the file this protocol creates (masked by the umask)
     * @param reportAs    the mode named in failures: this protocol's own, or {@link LockMode#BOTH} when composed
     * @param stalePolicy when a lock held by someone else may be broken
     * @param leftoverAge how old an unlinked temporary file must be to be removed as a crash leftover
     */
    public LockfileProtocol(FileOps ops, int permissions, LockMode reportAs, StalePolicy stalePolicy,
                            Duration leftoverAge) {
        this.ops = ops;
        this.permissions = permissions;
        this.reportAs = reportAs;
        this.stalePolicy = stalePolicy;
        this.leftoverAge = leftoverAge;
    }

    @Override
    public LockMode mode() {
        return reportAs;
    }

    /**
     * A fresh temporary name: {@code .lock.} and eight characters from {@code [0-9A-Za-z_-]}
     * (48 random bits). The owner record inside the file says whose it is.
     *
     * @return the file name
     */
    public static String newTempName() {
        byte[] b = new byte[8];
        RandomBytes.fill(b);
        StringBuilder sb = new StringBuilder(TEMP_PREFIX.length() + 8).append(TEMP_PREFIX);
        for (byte x : b) {
            sb.append(NAME_CHARS[x & 63]);
        }
        return sb.toString();
    }

    /**
     * Whether a file name is one of our temporary files (including the moved-aside names used
     * while releasing or breaking a lock, and the longer names of earlier versions).
     *
     * @param name a file name
     * @return {@code true} for our temporary file names
     */
    public static boolean isOurTempName(String name) {
        return OUR_TEMP.matcher(name).matches();
    }

    @Override
    public Held acquire(Path dir, long deadline, Backoff backoff) throws LockException, InterruptedException {
        return acquire(dir, null, deadline, backoff);
    }

    @Override
    public Held acquire(Path dir, FileStat dirStatus, long deadline, Backoff backoff)
            throws LockException, InterruptedException {
        Path lock = dir.resolve(LockMode.LOCKFILE.lockFileName());
        Path temp = dir.resolve(newTempName());
        LockOwner owner = LockOwner.forThisProcess();
        byte[] record = owner.toBytes();
        try {
            ops.createExclusive(temp, Ownership.permissions(permissions), record);
        } catch (ErrnoException e) {
            if (e.getCause() instanceof java.nio.channels.ClosedByInterruptException) {
                removeIfPresent(temp);
                throw new InterruptedException("interrupted while creating " + temp);
            }
            throw Errors.map(dir, mode(), Errors.Step.CREATE_TEMP, e);
        }
        try {
            // One look at the new file serves both its identity and, as root, its owner.
            FileStat ours = stat(dir, temp);
            try {
                Ownership.adopt(ops, temp, ours, dir, dirStatus);
            } catch (ErrnoException e) {
                throw Errors.map(dir, mode(), Errors.Step.CREATE_TEMP, e);
            }
            HeldLockfile candidate = new HeldLockfile(new HeldInode(ops, dir, lock, mode(), ours), owner, record);
            boolean made = false;
            try {
                if (!ExitRelease.register(candidate)) {
                    throw ExitRelease.refusal(dir, mode());
                }
                while (true) {
                    if (link(candidate, dir, lock, temp, ours, owner)) {
                        made = true;
                        sweepLeftovers(dir);
                        return candidate;
                    }
                    if (stalePolicy.isActive() && breakIfStale(dir, lock)) {
                        continue;
                    }
                    // Every release removes .lock; a stale lock is broken by time or its owner's death, unreported.
                    if (!(stalePolicy.isActive() ? backoff.pause(deadline) : backoff.pauseUntilRemoved(deadline))) {
                        throw new LockTimeoutException(dir, mode(),
                                backoff.elapsed(), HolderDescription.ofLockfile(ops, lock));
                    }
                }
            } finally {
                if (!made) {
                    ExitRelease.unregister(candidate);
                }
            }
        } finally {
            removeTemp(temp);
        }
    }

    /**
     * One attempt: links the temporary file to {@code .lock}, under the candidate's monitor, so
     * that the exit hook's release of it (see {@link ExitRelease}) comes wholly before or after.
     *
     * @return whether {@code .lock} is ours now
     * @throws LockException when the link fails, or when the JVM exits (the candidate was ended)
     */
    private boolean link(HeldLockfile candidate, Path dir, Path lock, Path temp, FileStat ours, LockOwner owner)
            throws LockException {
        synchronized (candidate) {
            if (candidate.ended) {
                throw ExitRelease.refusal(dir, mode());
            }
            boolean linked;
            try {
                linked = ops.link(temp, lock);
            } catch (ErrnoException e) {
                throw Errors.map(dir, mode(), Errors.Step.LINK, e);
            }
            if (!linked && isOurs(dir, lock, ours, owner)) {
                // KD-7: the link was made although EEXIST was reported (NFS retransmission).
                LOG.debug("link reported EEXIST but {} is our temporary file with our token: the lock is ours", lock);
                linked = true;
            }
            return linked;
        }
    }

    /**
     * Whether {@code .lock} is our temporary file's inode and carries our owner token.
     *
     * @return {@code true} only when both are proven
     */
    private boolean isOurs(Path dir, Path lock, FileStat ours, LockOwner owner) throws LockException {
        try {
            Optional<FileStat> named = ops.lstat(lock);
            if (named.isEmpty() || !named.get().sameInode(ours)) {
                return false;
            }
            Optional<LockOwner> record = LockOwner.parse(ops.read(lock, 4096));
            return record.isPresent() && record.get().token().equals(owner.token());
        } catch (ErrnoException e) {
            if (e.errno().is(io.github.astlock.spi.Errno.ENOENT)) {
                return false;
            }
            throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
        }
    }

    /**
     * Judges {@code .lock} by this protocol's stale policy and, unless {@code dryRun}, breaks it.
     * For operators ({@code astlock break-stale}); the lock loop uses the same judgement.
     *
     * @param dir    the directory
     * @param dryRun only report what would be done
     * @return why the lock is stale (it was broken unless {@code dryRun}), or empty when there is
     *     no {@code .lock}, it is not stale, or it changed while being broken
     * @throws LockException when the directory cannot be inspected
     */
    public Optional<String> breakStale(Path dir, boolean dryRun) throws LockException {
        Path lock = dir.resolve(LockMode.LOCKFILE.lockFileName());
        try {
            Optional<FileStat> st = ops.lstat(lock);
            if (st.isEmpty() || st.get().type() != FileType.REGULAR) {
                return Optional.empty();
            }
            byte[] content = readQuietly(lock);
            String reason = content == null ? null : staleReason(st.get(), ownerRecord(dir, st.get(), content));
            if (reason == null || dryRun) {
                return Optional.ofNullable(reason);
            }
            return breakStale(dir, lock, st.get(), content, reason) ? Optional.of(reason) : Optional.empty();
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
        }
    }

    /**
     * Judges the current {@code .lock} by the stale policy and breaks it if it is stale.
     *
     * @return {@code true} when the next link attempt should follow at once (broken, or gone)
     */
    private boolean breakIfStale(Path dir, Path lock) throws LockException {
        Optional<FileStat> st;
        try {
            st = ops.lstat(lock);
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
        }
        if (st.isEmpty()) {
            return true;
        }
        FileStat judged = st.get();
        if (judged.type() != FileType.REGULAR) {
            return false; // a directory or symbolic link named .lock is never ours to remove
        }
        byte[] content;
        try {
            content = ops.read(lock, 4096);
        } catch (ErrnoException e) {
            // Gone since the lstat: look again at once. Unreadable (another user's 0600 file, a
            // FIFO swapped in): it cannot be judged, so it is waited for like a live lock.
            return e.errno().is(io.github.astlock.spi.Errno.ENOENT);
        }
        String reason = staleReason(judged, ownerRecord(dir, judged, content));
        return reason != null && breakStale(dir, lock, judged, content, reason);
    }

    /**
     * The owner record of a lock file, believed only when nobody but a trusted user could have
     * written it (see {@link Ownership#trusted}); empty otherwise.
     */
    private Optional<LockOwner> ownerRecord(Path dir, FileStat st, byte[] content) {
        return Ownership.trusted(ops, st, dir) ? LockOwner.parse(content) : Optional.empty();
    }

    private String staleReason(FileStat st, Optional<LockOwner> owner) {
        LockOwner.Liveness liveness = owner.map(LockOwner::liveness).orElse(LockOwner.Liveness.UNKNOWN);
        if (liveness == LockOwner.Liveness.ALIVE) {
            return null; // a running owner's lock is never stale, however old
        }
        if (stalePolicy.breaksDeadOwners() && liveness == LockOwner.Liveness.DEAD) {
            return "its owner, " + owner.get().describe() + ", no longer runs";
        }
        if (stalePolicy.maxAge().isPresent()) {
            long ageMs = ageMillis(st);
            long limitMs = Durations.millis(stalePolicy.maxAge().get()); // saturates: a huge limit never throws
            if (ageMs > limitMs) {
                return "it is " + ageMs + " ms old, above the limit of " + limitMs
                        + " ms (owner: " + owner.map(LockOwner::describe).orElse("unknown, no astlock owner record") + ")";
            }
        }
        return null;
    }

    /**
     * Race-free break: rename aside, check that what was moved is what was judged, then remove
     * it; otherwise put it back.
     *
     * @return {@code true} when broken (retry at once), {@code false} when the lock is held after all
     */
    private boolean breakStale(Path dir, Path lock, FileStat judged, byte[] content, String reason)
            throws LockException {
        Path aside = dir.resolve(newTempName());
        try {
            Optional<FileStat> now = ops.lstat(lock);
            if (now.isEmpty() || !now.get().sameInode(judged)) {
                return true; // changed since judged: look again
            }
            try {
                ops.rename(lock, aside);
            } catch (ErrnoException e) {
                if (e.errno().is(io.github.astlock.spi.Errno.ENOENT)) {
                    return true; // another breaker or the owner was quicker
                }
                throw e;
            }
            Optional<FileStat> moved = ops.lstat(aside);
            // The inode number alone is no proof: a freed inode is often reused at once for the
            // next new file (Asterisk's empty .lock after its blind unlock). The modification time
            // (kept by rename) and the content must be the judged ones too.
            if (moved.isPresent() && moved.get().sameInode(judged) && moved.get().mtimeNanos() == judged.mtimeNanos()
                    && java.util.Arrays.equals(readQuietly(aside), content)) {
                ops.unlink(aside);
                LOG.warn("broke stale lock {} (inode {}): {}", lock, judged.identity(), reason);
                return true;
            }
            // Someone replaced .lock between our check and the rename: that lock is live. Put it back.
            boolean restored = ops.link(aside, lock);
            ops.unlink(aside);
            if (!restored) {
                LOG.error("{}: a live lock was moved aside while breaking a stale one and could not be put back, "
                        + "because another process took the lock meanwhile; the moved lock's holder will find it lost",
                        lock);
            }
            return false;
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
        }
    }

    private byte[] readQuietly(Path file) {
        try {
            return ops.read(file, 4096);
        } catch (ErrnoException e) {
            return null;
        }
    }

    private static long ageMillis(FileStat st) {
        return System.currentTimeMillis() - st.ctimeNanos() / 1_000_000L;
    }

    /**
     * Removes temporary files left by a crash: ours ({@code .lock.XXXXXXXX}) and Asterisk's
     * ({@code .lock-XXXXXXXX}) that are older than the leftover age, not linked to {@code .lock},
     * and whose owner (for ours) is not known to run. At most once per leftover age per directory
     * and JVM; never fails the lock.
     */
    private void sweepLeftovers(Path dir) {
        if (!LAST_SWEEP.due(dir, leftoverAge)) {
            return;
        }
        try {
            for (String name : ops.list(dir)) {
                boolean oursName = isOurTempName(name);
                if (!oursName && !ASTERISK_TEMP.matcher(name).matches()) {
                    continue;
                }
                Path p = dir.resolve(name);
                Optional<FileStat> st = ops.lstat(p);
                if (st.isEmpty() || st.get().type() != FileType.REGULAR || st.get().nlink() != 1
                        || ageMillis(st.get()) < Durations.millis(leftoverAge)) {
                    continue;
                }
                if (oursName) {
                    byte[] content = readQuietly(p);
                    LockOwner.Liveness l = content == null ? LockOwner.Liveness.UNKNOWN
                            : LockOwner.parse(content).map(LockOwner::liveness).orElse(LockOwner.Liveness.DEAD);
                    if (l != LockOwner.Liveness.DEAD) {
                        continue;
                    }
                }
                ops.unlink(p);
                LOG.info("removed leftover temporary lock file {} ({} s old)", p, ageMillis(st.get()) / 1000);
            }
        } catch (ErrnoException e) {
            LOG.debug("sweeping leftover temporary files in {} failed: {}", dir, e.getMessage());
        }
    }

    private FileStat stat(Path dir, Path file) throws LockException {
        try {
            Optional<FileStat> st = ops.lstat(file);
            if (st.isEmpty()) {
                throw new LockFailedException(dir, mode(), LockFailedException.Reason.IO_ERROR,
                        "our temporary file " + file + " vanished while locking", null, null);
            }
            return st.get();
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
        }
    }

    private void removeIfPresent(Path temp) {
        try {
            Optional<FileStat> st = ops.lstat(temp);
            if (st.isPresent() && st.get().type() == FileType.REGULAR) {
                ops.unlink(temp);
            }
        } catch (ErrnoException e) {
            LOG.debug("could not remove temporary lock file {}: {}", temp, e.getMessage());
        }
    }

    private void removeTemp(Path temp) {
        try {
            ops.unlink(temp);
        } catch (ErrnoException e) {
            LOG.warn("could not remove temporary lock file {}: {}", temp, e.getMessage());
        }
    }

    private static final class HeldLockfile implements Held {
        private static final String GONE = "was removed by someone else";

        private final HeldInode held;
        private final LockOwner owner;
        /** The owner record exactly as written into the lock file. */
        private final byte[] record;
        /**
         * Set by the first release, whatever its outcome: the file is no longer ours to remove,
         * and no attempt may make it again (see {@link ExitRelease}). Guarded by this object.
         */
        private boolean ended;

        HeldLockfile(HeldInode held, LockOwner owner, byte[] record) {
            this.held = held;
            this.owner = owner;
            this.record = record;
        }

        /**
         * Whether a lock file's content carries our owner token. Content equal to the record we
         * wrote carries it by construction, so the record is parsed (its start time is a date to
         * decode: the most expensive step of a release in Java) only when the content differs.
         */
        private boolean carriesOurToken(byte[] content) {
            if (java.util.Arrays.equals(content, record)) {
                return true;
            }
            Optional<LockOwner> parsed = LockOwner.parse(content);
            return parsed.isPresent() && parsed.get().token().equals(owner.token());
        }

        @Override
        public void checkValid() throws LockException {
            held.requireNamed("check", GONE, "it was removed and taken by someone else");
            checkToken("check");
        }

        /**
         * The check before release moves {@code .lock} aside. Its only purpose is not to move a
         * lock that is plainly someone else's (the proof that decides is made after the move):
         * {@code .lock} must still be our inode, and when its size and modification time are
         * also still the ones our record was written with, reading the record back (open,
         * fstat, read, close: about a third of the system calls of a lock and release) is
         * skipped. A stranger's file would have to reuse our inode number and match our size
         * and the nanosecond of our modification time to get past this look, and even then the
         * check after the move finds a foreign token and puts the file back. When size or time
         * differs, the record is read and its token must be ours, as in {@link #checkValid()}.
         */
        @Override
        public void checkKept() throws LockException {
            checkBeforeRelease();
        }

        private void checkBeforeRelease() throws LockException {
            FileStat now = held.requireNamed("unlock", GONE, "it was removed and taken by someone else");
            if (now.size() == held.ours.size() && now.mtimeNanos() == held.ours.mtimeNanos()) {
                return;
            }
            checkToken("unlock");
        }

        private void checkToken(String verb) throws LockException {
            String gone = GONE;
            // The same inode number may have been reused for a stranger's file: our token decides.
            byte[] content;
            try {
                content = held.ops.read(held.lock, 4096);
            } catch (ErrnoException e) {
                if (e.errno().is(io.github.astlock.spi.Errno.ENOENT)) {
                    throw held.lost(verb, held.lock + " " + gone);
                }
                throw held.failure(e);
            }
            if (!carriesOurToken(content)) {
                throw held.lost(verb, held.lock + " was removed and re-created by someone else (same inode number "
                        + held.ours.identity() + ", but not our owner record)");
            }
        }

        /**
         * Moves {@code .lock} to a private name, proves what was moved ours (inode and token) and
         * only then removes it. Whatever else was moved is put back under {@code .lock} at once
         * (with {@code link(2)}, which never replaces a newer {@code .lock}), and the lock is
         * reported lost. So a {@code .lock} that changed hands between the check and the removal
         * is never deleted. Before the move, {@code .lock} is only looked at (one {@code lstat}),
         * unless it looks changed; see {@link #checkBeforeRelease()}. After the move, the moved
         * file is read once through a descriptor ({@link FileOps#readWithStatus}): the status of
         * that descriptor proves the inode and the bytes read from it prove the token, so no
         * separate {@code lstat} of the moved name is made (backends without descriptors still
         * make one). Content equal to the record we wrote proves the token without parsing it.
         *
         * <p>A second call, which only the exit hook makes (racing the holder's own release while
         * the JVM exits, see {@link ExitRelease}), does nothing.
         */
        @Override
        public synchronized void release() throws LockException {
            if (ended) {
                return;
            }
            ended = true;
            try {
                releaseOnce();
            } finally {
                ExitRelease.unregister(this);
            }
        }

        private void releaseOnce() throws LockException {
            checkBeforeRelease();
            FileOps ops = held.ops;
            // A fresh name, not the temporary file's: should that one not have been removed
            // after the link, renaming .lock onto it (a link to the same file) would do nothing.
            Path aside = held.dir.resolve(newTempName());
            try {
                ops.rename(held.lock, aside);
            } catch (ErrnoException e) {
                if (e.errno().is(io.github.astlock.spi.Errno.ENOENT)) {
                    throw held.lost("unlock", held.lock + " was removed by someone else");
                }
                throw held.failure(e);
            }
            String why;
            try {
                // One read through a descriptor gives both proofs: the status of what was read
                // (its inode) and its content (our token). A name that is no regular file now is
                // refused by the read (ELOOP, EISDIR, ENXIO) and, like another inode, is put back.
                FileContent moved;
                try {
                    moved = ops.readWithStatus(aside, 4096);
                } catch (ErrnoException e) {
                    if (e.errno().is(Errno.ENOENT)) {
                        throw held.lost("unlock", held.lock + " was removed by someone else while we released it");
                    }
                    if (!e.errno().is(Errno.ELOOP) && !e.errno().is(Errno.EISDIR) && !e.errno().is(Errno.ENXIO)) {
                        throw e;
                    }
                    moved = null;
                }
                if (moved == null) {
                    why = held.lock + " was replaced by something that is not a regular file just before we removed it";
                } else if (!moved.status().sameInode(held.ours)) {
                    why = held.lock + " was replaced by inode " + moved.status().identity() + " just before we removed it";
                } else if (carriesOurToken(moved.bytes())) {
                    ops.unlink(aside);
                    return;
                } else {
                    why = held.lock + " was re-created by someone else just before we removed it (same inode number "
                            + held.ours.identity() + ", but not our owner record)";
                }
            } catch (ErrnoException e) {
                LockException failure = held.failure(e);
                putBack(aside, failure);
                throw failure;
            }
            LockLostException lost = held.lost("unlock", why);
            putBack(aside, lost);
            throw lost;
        }

        /** Puts a moved lock file that was not ours back under {@code .lock}. */
        private void putBack(Path aside, LockException report) {
            FileOps ops = held.ops;
            try {
                if (!ops.link(aside, held.lock)) {
                    report.addSuppressed(new IllegalStateException("a newer " + held.lock + " appeared meanwhile; the "
                            + "moved one could not be put back, its holder will find its lock lost"));
                }
                ops.unlink(aside);
            } catch (ErrnoException e) {
                report.addSuppressed(e);
            }
        }
    }
}
