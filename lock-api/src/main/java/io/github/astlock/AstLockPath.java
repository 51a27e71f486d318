package io.github.astlock;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A C-style facade that mirrors Asterisk's {@code ast_lock_path(path)} and
 * {@code ast_unlock_path(path)}, for code ported from C or Go that expects result codes rather
 * than handles. New code should use {@link PathLocker} and try-with-resources.
 *
 * <p>How it differs from Asterisk:
 * <ul>
 *   <li>{@link #unlockPath(String)} only releases a lock that <em>this facade</em> took for the
 *       same directory; it never removes anybody else's lock file (Asterisk unlinks {@code .lock}
 *       blindly, KD-2). Different spellings of one directory ({@code /a/b}, {@code /a/b/}) are
 *       the same lock.</li>
 *   <li>{@link AstLockResult#TIMEOUT} means real contention only; a file-system error is
 *       {@link AstLockResult#PATH_NOT_FOUND} or {@link AstLockResult#FAILURE} (KD-4).</li>
 *   <li>Locking a directory that this facade already holds returns {@link AstLockResult#FAILURE}
 *       at once instead of timing out.</li>
 * </ul>
 * Thread-safe. Locks taken here may be unlocked from any thread, as in Asterisk.
 */
public final class AstLockPath {
    private static final Logger LOG = LoggerFactory.getLogger(AstLockPath.class);

    private final PathLocker locker;
    /** Held locks by directory identity (device, inode), so every spelling finds the same entry. */
    private final Map<Object, PathLock> held = new HashMap<>();

    /**
     * Creates a facade over a locker.
     *
     * @param locker the locker whose mode, timeout and backend are used
     */
    public AstLockPath(PathLocker locker) {
        this.locker = Objects.requireNonNull(locker, "locker");
    }

    /**
     * Locks a directory, like {@code ast_lock_path(path)}.
     *
     * @param path the directory
     * @return the result; a failure is logged at DEBUG only, since the result reports it
     */
    public AstLockResult lockPath(String path) {
        Path dir;
        try {
            dir = Path.of(path).toAbsolutePath();
        } catch (InvalidPathException | NullPointerException e) {
            LOG.debug("cannot lock {}: invalid path: {}", path, e.getMessage());
            return AstLockResult.FAILURE;
        }
        try {
            Object key = locker.directoryIdentity(dir);
            synchronized (held) {
                if (held.containsKey(key)) {
                    LOG.debug("cannot lock {}: already locked through this facade", dir);
                    return AstLockResult.FAILURE;
                }
            }
            PathLock lock = locker.lock(dir);
            synchronized (held) {
                held.put(key, lock);
            }
            return AstLockResult.SUCCESS;
        } catch (LockException e) {
            LOG.debug("{}", e.getMessage());
            return AstLockResult.of(e);
        }
    }

    /**
     * Unlocks a directory locked by {@link #lockPath(String)}, like {@code ast_unlock_path(path)}.
     * When the directory was deleted or replaced while held, the lock taken on it under this
     * name is released all the same (its descriptor and in-memory reservation are freed) and
     * {@code -1} is returned, because the lock was lost with the directory.
     *
     * @param path the directory, in any spelling that names the same directory
     * @return {@code 0} when released, {@code -1} when this facade holds no lock on it or the
     *     lock had been lost (logged at DEBUG only, since the result reports it)
     */
    public int unlockPath(String path) {
        Path dir;
        try {
            dir = Path.of(path).toAbsolutePath();
        } catch (InvalidPathException | NullPointerException e) {
            LOG.debug("cannot unlock {}: invalid path: {}", path, e.getMessage());
            return -1;
        }
        PathLock lock;
        Object key = null;
        try {
            key = locker.directoryIdentity(dir);
        } catch (LockException e) {
            LOG.debug("{}: {}", dir, e.getMessage());
        }
        synchronized (held) {
            lock = key == null ? null : held.remove(key);
            if (lock == null) {
                lock = removeReplaced(dir);
            }
        }
        if (lock == null) {
            LOG.debug("cannot unlock {}: not locked through this facade; nothing was removed", path);
            return -1;
        }
        try {
            lock.close();
            return 0;
        } catch (LockException e) {
            LOG.debug("{}", e.getMessage());
            return -1;
        }
    }

    /**
     * Removes the lock held on a directory of this name that was deleted or replaced since it
     * was locked: the name now finds another directory (or none), so the identity lookup
     * cannot find it.
     */
    private PathLock removeReplaced(Path dir) {
        Path wanted = dir.normalize();
        for (Iterator<Map.Entry<Object, PathLock>> it = held.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Object, PathLock> e = it.next();
            if (!e.getValue().directory().normalize().equals(wanted)) {
                continue;
            }
            Object now;
            try {
                now = locker.directoryIdentity(e.getValue().directory());
            } catch (LockException gone) {
                now = null;
            }
            if (!e.getKey().equals(now)) {
                it.remove();
                return e.getValue();
            }
        }
        return null;
    }
}
