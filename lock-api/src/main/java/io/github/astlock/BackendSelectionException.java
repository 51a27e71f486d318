package io.github.astlock;

/**
 * No backend could be chosen: none is on the class path, the one asked for by id (argument or
 * {@code -Dastlock.backend}) is missing, or it cannot run here. The message lists every backend
 * found and why each is unusable, and what to add. A deployment error, so unchecked; never a
 * silent fallback to another backend.
 */
public class BackendSelectionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the explanation, listing the backends found
     */
    public BackendSelectionException(String message) {
        super(message);
    }
}
