package io.github.astlock;

/**
 * The results of Asterisk's {@code ast_lock_path()} ({@code enum AST_LOCK_RESULT}), with their
 * C values, for {@link AstLockPath}.
 */
public enum AstLockResult {
    /** {@code AST_LOCK_SUCCESS}: the lock is held. */
    SUCCESS(0),
    /** {@code AST_LOCK_TIMEOUT}: someone else held it for the whole timeout. */
    TIMEOUT(-1),
    /** {@code AST_LOCK_PATH_NOT_FOUND}: the directory is missing or the lock file cannot be made. */
    PATH_NOT_FOUND(-2),
    /** {@code AST_LOCK_FAILURE}: refused for any other reason. */
    FAILURE(-3);

    private final int code;

    AstLockResult(int code) {
        this.code = code;
    }

    /**
     * Returns the C value: 0, -1, -2 or -3.
     *
     * @return the C value: 0, -1, -2 or -3
     */
    public int code() {
        return code;
    }

    /**
     * The result that corresponds to an exception.
     *
     * @param e the failure
     * @return {@link #TIMEOUT}, {@link #PATH_NOT_FOUND} or {@link #FAILURE}
     */
    public static AstLockResult of(LockException e) {
        if (e instanceof LockTimeoutException) {
            return TIMEOUT;
        }
        if (e instanceof LockPathException) {
            return PATH_NOT_FOUND;
        }
        return FAILURE;
    }
}
