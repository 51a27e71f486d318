package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockFailedException;
import io.github.astlock.LockFailedException.Reason;
import io.github.astlock.LockMode;
import io.github.astlock.LockPathException;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Maps a failed primitive operation to the public exception types, in one place for every
 * backend. Unlike Asterisk (KD-4), an error is never reported as a timeout.
 */
public final class Errors {

    /** The step of a protocol that failed; decides how an error number is classified. */
    public enum Step {
        /** Looking at the directory itself. */
        DIRECTORY("directory not usable"),
        /** Creating the LOCKFILE temporary file. */
        CREATE_TEMP("lock file cannot be created"),
        /** {@code link(2)} of the temporary file to {@code .lock}. */
        LINK("lock file cannot be created"),
        /** Opening FLOCK mode's {@code lock}. */
        OPEN_LOCK_FILE("lock file cannot be opened"),
        /** {@code flock(2)} itself. */
        FLOCK("flock failed"),
        /** Checking or removing the lock file. */
        CHECK("lock file cannot be checked");

        private final String words;

        Step(String words) {
            this.words = words;
        }
    }

    /** Errors that mean "the path is missing or the lock file cannot be made there" (PATH_NOT_FOUND). */
    private static final Set<String> PATH = Set.of("ENOENT", "ENOTDIR", "EACCES", "EROFS", "ENOSPC",
            "EDQUOT", "EMFILE", "ENFILE", "ENAMETOOLONG");
    /** Errors of link(2) or flock(2) that mean the file system lacks the feature. */
    private static final Set<String> UNSUPPORTED = Set.of("EPERM", "EOPNOTSUPP", "EMLINK", "EXDEV", "ENOSYS",
            "ENOLCK", "EINVAL");

    private Errors() {
    }

    /**
     * Map.
     *
     * @param dir  the directory
     * @param mode the mode
     * @param step the protocol step that failed
     * @param e    the backend's error
     * @return the public exception
     */
    public static LockException map(Path dir, LockMode mode, Step step, ErrnoException e) {
        Errno errno = e.errno();
        String n = errno.name();
        String detail = step.words + ": " + e.getMessage();
        if (step == Step.OPEN_LOCK_FILE) {
            if (n.equals("ELOOP")) {
                return new LockFailedException(dir, mode, Reason.SYMLINK,
                        "lock file is a symbolic link (refused, never followed): " + e.getMessage(), errno, e);
            }
            if (n.equals("EISDIR") || n.equals("ENXIO")) {
                return new LockFailedException(dir, mode, Reason.NOT_REGULAR_FILE,
                        "lock file is not a regular file: " + e.getMessage(), errno, e);
            }
        }
        if (n.equals("ELOOP")) {
            return new LockFailedException(dir, mode, Reason.SYMLINK,
                    "a symbolic link where none is followed, or a loop of symbolic links: " + e.getMessage(), errno, e);
        }
        if (step == Step.DIRECTORY && (n.equals("ENOENT") || n.equals("ENOTDIR"))) {
            return new LockPathException(dir, mode, "directory not found: " + e.getMessage(), errno, e);
        }
        if (PATH.contains(n)) {
            return new LockPathException(dir, mode, detail, errno, e);
        }
        if ((step == Step.LINK || step == Step.FLOCK) && UNSUPPORTED.contains(n)) {
            return new LockFailedException(dir, mode, Reason.UNSUPPORTED_FILE_SYSTEM,
                    "the file system does not support " + (step == Step.LINK ? "hard links" : "flock(2)")
                            + ": " + e.getMessage(), errno, e);
        }
        return new LockFailedException(dir, mode, Reason.IO_ERROR, detail, errno, e);
    }
}
