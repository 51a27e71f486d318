package io.github.astlock;

import io.github.astlock.spi.Errno;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A directory could not be locked, or a held lock was lost. Every message names the directory,
 * the mode, the lock file and the cause (with the POSIX error name where there is one), for
 * example:
 *
 * <pre>
 * cannot lock /var/spool/asterisk/voicemail/default/1234/INBOX (LOCKFILE, lock file .../INBOX/.lock):
 * lock file cannot be created: open(.../INBOX/.lock.Qf2cZ9_a) failed: EACCES (Permission denied)
 * </pre>
 *
 * <p>The subclasses are the kinds a caller may want to tell apart:
 * {@link LockTimeoutException}, {@link LockPathException}, {@link LockFailedException},
 * {@link LockLostException} and {@link LockInterruptedException}.
 */
public class LockException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    private final transient Path lockFile;
    /** The mode of the failed attempt. */
    private final LockMode mode;
    /** The POSIX error, or {@code null}. */
    private final Errno errno;

    /**
     * Creates an exception.
     *
     * @param verb      what was attempted: {@code "lock"}, {@code "unlock"} or {@code "check"}
     * @param directory the directory
     * @param mode      the mode
     * @param detail    the cause in words
     * @param errno     the POSIX error, or {@code null}
     * @param cause     the underlying exception, or {@code null}
     */
    protected LockException(String verb, Path directory, LockMode mode, String detail, Errno errno,
                            Throwable cause) {
        super(format(verb, directory, mode, detail), cause);
        this.directory = directory;
        this.mode = mode;
        this.lockFile = directory != null && mode != null ? directory.resolve(mode.lockFileName()) : null;
        this.errno = errno;
    }

    private static String format(String verb, Path directory, LockMode mode, String detail) {
        StringBuilder sb = new StringBuilder("cannot ").append(verb).append(' ').append(directory);
        if (mode != null) {
            sb.append(" (").append(mode).append(mode.lockFileNames().size() > 1 ? ", lock files " : ", lock file ");
            for (int i = 0; i < mode.lockFileNames().size(); i++) {
                String n = mode.lockFileNames().get(i);
                sb.append(i == 0 ? "" : " and ").append(directory == null ? n : directory.resolve(n));
            }
            sb.append(')');
        }
        return sb.append(": ").append(detail).toString();
    }

    /**
     * Returns the directory that was to be locked.
     *
     * @return the directory that was to be locked
     */
    public Path directory() {
        return directory;
    }

    /**
     * Returns the (first) lock file inside the directory ({@code .lock}, or {@code lock} for FLOCK and BOTH).
     *
     * @return the (first) lock file inside the directory ({@code .lock}, or {@code lock} for FLOCK and BOTH)
     */
    public Path lockFile() {
        return lockFile;
    }

    /**
     * Returns the lock mode.
     *
     * @return the lock mode
     */
    public LockMode mode() {
        return mode;
    }

    /**
     * Returns the POSIX error behind the failure, when there is one.
     *
     * @return the POSIX error behind the failure, when there is one
     */
    public Optional<Errno> errno() {
        return Optional.ofNullable(errno);
    }
}
