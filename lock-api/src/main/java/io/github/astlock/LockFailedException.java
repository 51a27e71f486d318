package io.github.astlock;

import io.github.astlock.spi.Errno;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The lock was refused for a reason other than contention or a missing path: the lock file is
 * a symbolic link, has several hard links or is not a regular file, the mode or the file system
 * is not supported, or the calling thread already holds the directory. Asterisk's
 * {@code AST_LOCK_FAILURE}. {@link #reason()} tells which.
 */
public class LockFailedException extends LockException {
    private static final long serialVersionUID = 1L;

    /** Why a lock was refused. */
    public enum Reason {
        /** The lock file is a symbolic link. */
        SYMLINK,
        /** The lock file has more than one hard link. */
        HARD_LINKS,
        /** The lock file is a directory, FIFO, socket or device. */
        NOT_REGULAR_FILE,
        /** The backend does not support the requested mode. */
        UNSUPPORTED_MODE,
        /** The file system does not support the operation (for example hard links). */
        UNSUPPORTED_FILE_SYSTEM,
        /** The calling thread already holds this directory (locks are not re-entrant). */
        ALREADY_HELD,
        /** Any other error of the operating system. */
        IO_ERROR,
        /**
         * The JVM is exiting and has already released the locks it held: a lock taken now would
         * stay on disk after the exit, so it was given back at once.
         */
        SHUTTING_DOWN
    }

    /** The kind of refusal. */
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param directory the directory
     * @param mode      the mode
     * @param reason    the kind of refusal
     * @param detail    the cause in words
     * @param errno     the POSIX error, or {@code null}
     * @param cause     the underlying exception, or {@code null}
     */
    public LockFailedException(Path directory, LockMode mode, Reason reason, String detail, Errno errno,
                               Throwable cause) {
        super("lock", directory, mode, detail, errno, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns the kind of refusal.
     *
     * @return the kind of refusal
     */
    public Reason reason() {
        return reason;
    }
}
