package io.github.astlock;

import io.github.astlock.spi.Errno;
import java.nio.file.Path;

/**
 * The directory does not exist (or is not a directory), or the lock file cannot be created or
 * opened in it: permission, read-only file system, no space, too many open files, a name too
 * long. Asterisk's {@code AST_LOCK_PATH_NOT_FOUND}. {@link #errno()} tells which.
 */
public class LockPathException extends LockException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param directory the directory
     * @param mode      the mode
     * @param detail    the cause in words
     * @param errno     the POSIX error
     * @param cause     the underlying exception, or {@code null}
     */
    public LockPathException(Path directory, LockMode mode, String detail, Errno errno, Throwable cause) {
        super("lock", directory, mode, detail, errno, cause);
    }
}
