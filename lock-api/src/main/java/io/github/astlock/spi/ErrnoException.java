package io.github.astlock.spi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A primitive file operation failed with a POSIX error. Backends throw it; the core maps it to
 * the public {@link io.github.astlock.LockException} types.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The operation, for example {@code link}. */
    private final String operation;
    /** The path the operation was applied to. */
    private final transient Path path;
    /** The second path of a two-path operation (link, rename), or {@code null}. */
    private final transient Path otherPath;
    /** The error. */
    private final Errno errno;

    /**
     * Creates the exception.
     *
     * @param operation the system call or operation, for example {@code "link"}
     * @param path      the path it was applied to
     * @param otherPath the second path of {@code link} or {@code rename}; otherwise {@code null}
     * @param errno     the error
     * @param cause     the underlying exception, or {@code null}
     */
    public ErrnoException(String operation, Path path, Path otherPath, Errno errno, Throwable cause) {
        super(operation + "(" + path + (otherPath != null ? ", " + otherPath : "") + ") failed: " + errno, cause);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.path = path;
        this.otherPath = otherPath;
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /**
     * Creates the exception for a one-path operation.
     *
     * @param operation the system call, for example {@code "open"}
     * @param path      the path
     * @param errno     the error
     */
    public ErrnoException(String operation, Path path, Errno errno) {
        this(operation, path, null, errno, null);
    }

    /**
     * Returns the operation, for example {@code link}.
     *
     * @return the operation, for example {@code link}
     */
    public String operation() {
        return operation;
    }

    /**
     * Returns the path the operation was applied to.
     *
     * @return the path the operation was applied to
     */
    public Path path() {
        return path;
    }

    /**
     * Returns the second path of {@code link} or {@code rename}, or {@code null}.
     *
     * @return the second path of {@code link} or {@code rename}, or {@code null}
     */
    public Path otherPath() {
        return otherPath;
    }

    /**
     * Returns the error.
     *
     * @return the error
     */
    public Errno errno() {
        return errno;
    }
}
