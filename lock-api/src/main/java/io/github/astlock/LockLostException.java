package io.github.astlock;

import java.nio.file.Path;

/**
 * A lock that was held is no longer ours: its lock file was removed or replaced, for example by
 * Asterisk's unconditional unlock after one of its own failed lock attempts. Mutual exclusion may
 * have been violated. Thrown by {@link PathLock#checkValid()} and by {@link PathLock#close()};
 * the release then leaves the stranger's lock file alone.
 */
public class LockLostException extends LockException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param verb      {@code "unlock"} or {@code "check"}
     * @param directory the directory
     * @param mode      the mode
     * @param detail    what was found on disk
     */
    public LockLostException(String verb, Path directory, LockMode mode, String detail) {
        super(verb, directory, mode, "lock lost while held: " + detail, null, null);
    }
}
