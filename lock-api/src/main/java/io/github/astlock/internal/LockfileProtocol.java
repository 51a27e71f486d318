package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockFailedException;
import io.github.astlock.LockLostException;
import io.github.astlock.LockMode;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import java.nio.file.Path;
import java.security.SecureRandom;
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
 * worked is recognised by the temporary file's link count (KD-7); the inode of {@code .lock}
 * is remembered and release removes {@code .lock} only if it is still that inode (KD-2).
 */
public final class LockfileProtocol implements LockProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(LockfileProtocol.class);

    /** Prefix of our temporary files: {@code .lock.astlock.}, never Asterisk's {@code .lock-}. */
    public static final String TEMP_PREFIX = ".lock.astlock.";
    /** Asterisk's temporary file names (LF-1), which ours must never match. */
    public static final Pattern ASTERISK_TEMP = Pattern.compile("\\.lock-[0-9a-f]{8}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final FileOps ops;
    private final int permissions;
    private final LockMode reportAs;

    /**
     * @param ops         the backend primitives
     * @param permissions permission bits of the file this protocol creates (masked by the umask)
     * @param reportAs    the mode named in failures: this protocol's own, or {@link LockMode#BOTH} when composed
     */
    public LockfileProtocol(FileOps ops, int permissions, LockMode reportAs) {
        this.ops = ops;
        this.permissions = permissions;
        this.reportAs = reportAs;
    }

    @Override
    public LockMode mode() {
        return reportAs;
    }

    /**
     * A fresh temporary name: {@code .lock.astlock.<pid>.<16 hex digits>}.
     *
     * @return the file name
     */
    public static String newTempName() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return TEMP_PREFIX + ProcessHandle.current().pid() + "." + HexFormat.of().formatHex(b);
    }

    @Override
    public Held acquire(Path dir, long deadline, Backoff backoff) throws LockException, InterruptedException {
        Path lock = dir.resolve(LockMode.LOCKFILE.lockFileName());
        Path temp = dir.resolve(newTempName());
        long start = System.nanoTime();
        OwnerRecord owner = OwnerRecord.forThisProcess();
        try {
            ops.createExclusive(temp, permissions, owner.toBytes());
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode(), Errors.Step.CREATE_TEMP, e);
        }
        try {
            FileStat ours = stat(dir, temp);
            while (true) {
                boolean linked;
                try {
                    linked = ops.link(temp, lock);
                } catch (ErrnoException e) {
                    throw Errors.map(dir, mode(), Errors.Step.LINK, e);
                }
                if (!linked && stat(dir, temp).nlink() == 2) {
                    // KD-7: the link was made although EEXIST was reported (NFS retransmission).
                    LOG.debug("link reported EEXIST but {} has two links: the lock is ours", temp);
                    linked = true;
                }
                if (linked) {
                    return new HeldLockfile(dir, lock, ours, owner);
                }
                if (!backoff.pause(deadline)) {
                    throw new LockTimeoutException(dir, mode(),
                            Duration.ofNanos(System.nanoTime() - start), describeHolder(lock));
                }
            }
        } finally {
            removeTemp(temp);
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

    private void removeTemp(Path temp) {
        try {
            ops.unlink(temp);
        } catch (ErrnoException e) {
            LOG.warn("could not remove temporary lock file {}: {}", temp, e.getMessage());
        }
    }

    private String describeHolder(Path lock) {
        try {
            Optional<FileStat> st = ops.lstat(lock);
            if (st.isEmpty()) {
                return "the lock was released just now";
            }
            FileStat s = st.get();
            long ageMs = (System.currentTimeMillis() * 1_000_000L - s.ctimeNanos()) / 1_000_000L;
            return "held by another process: " + lock.getFileName() + " is a " + s.type().name().toLowerCase()
                    + " (inode " + s.identity() + ") changed " + ageMs + " ms ago";
        } catch (ErrnoException e) {
            return "held by another process (" + e.getMessage() + ")";
        }
    }

    private final class HeldLockfile implements Held {
        private final Path dir;
        private final Path lock;
        private final FileStat ours;
        private final OwnerRecord owner;

        HeldLockfile(Path dir, Path lock, FileStat ours, OwnerRecord owner) {
            this.dir = dir;
            this.lock = lock;
            this.ours = ours;
            this.owner = owner;
        }

        @Override
        public void checkValid() throws LockException {
            check("check");
        }

        private void check(String verb) throws LockException {
            Optional<FileStat> now;
            try {
                now = ops.lstat(lock);
            } catch (ErrnoException e) {
                throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
            }
            if (now.isEmpty()) {
                throw new LockLostException(verb, dir, mode(), lock + " was removed by someone else");
            }
            if (!now.get().sameInode(ours)) {
                throw new LockLostException(verb, dir, mode(), lock + " is now inode " + now.get().identity()
                        + ", not ours (" + ours.identity() + "); it was removed and taken by someone else");
            }
            // The same inode number may have been reused for a stranger's file: our token decides.
            Optional<OwnerRecord> record;
            try {
                record = OwnerRecord.parse(ops.read(lock, 4096));
            } catch (ErrnoException e) {
                if (e.errno().name().equals("ENOENT")) {
                    throw new LockLostException(verb, dir, mode(), lock + " was removed by someone else");
                }
                throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
            }
            if (record.isEmpty() || !record.get().token().equals(owner.token())) {
                throw new LockLostException(verb, dir, mode(), lock + " was removed and re-created by someone else"
                        + " (same inode number " + ours.identity() + ", but not our owner record)");
            }
        }

        @Override
        public void release() throws LockException {
            check("unlock");
            try {
                ops.unlink(lock);
            } catch (ErrnoException e) {
                throw Errors.map(dir, mode(), Errors.Step.CHECK, e);
            }
        }
    }
}
