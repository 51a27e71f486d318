package io.github.astlock.jnr;

import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import jnr.constants.platform.Errno;
import jnr.posix.POSIXHandler;

/**
 * The {@link POSIXHandler} the backend gives jnr-posix. It never prints, logs or exits: every
 * error callback throws a {@link PosixHandlerException} that keeps the raw {@code errno}, so
 * {@link JnrFileOps} can turn it into an {@link io.github.astlock.spi.ErrnoException} with the
 * right name and path.
 *
 * <p>The backend only uses jnr-posix's {@code int}-returning calls, which hand back {@code -1}
 * and leave {@code errno} to the caller; jnr-posix calls this handler only from its
 * object-returning convenience methods (not used here) and when a C function is missing from
 * the C library ({@link #unimplementedError(String)}, for example on a libc without
 * {@code __lxstat64} <em>and</em> {@code lstat}). jnr-posix's own {@code DefaultPOSIXHandler}
 * would throw a bare {@link RuntimeException} whose only trace of the errno is English text.
 */
final class StrictPosixHandler implements POSIXHandler {

    @Override
    public void error(Errno error, String extraData) {
        throw new PosixHandlerException(error, null, extraData);
    }

    @Override
    public void error(Errno error, String methodName, String extraData) {
        throw new PosixHandlerException(error, methodName, extraData);
    }

    @Override
    public void unimplementedError(String methodName) {
        throw new PosixHandlerException(null, methodName, "not implemented by jnr-posix on this C library");
    }

    @Override
    public void warn(WARNING_ID id, String message, Object... data) {
        // Warnings concern emulated calls (dummy values); the backend makes none of them.
    }

    @Override
    public boolean isVerbose() {
        return false;
    }

    @Override
    public File getCurrentWorkingDirectory() {
        return new File(System.getProperty("user.dir", "."));
    }

    @Override
    public String[] getEnv() {
        Map<String, String> env = System.getenv();
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    @Override
    public InputStream getInputStream() {
        return System.in;
    }

    @Override
    public PrintStream getOutputStream() {
        return System.out;
    }

    @Override
    public int getPID() {
        return (int) ProcessHandle.current().pid();
    }

    @Override
    public PrintStream getErrorStream() {
        return System.err;
    }

    /** An error jnr-posix reported through the handler; carries the raw errno when known. */
    static final class PosixHandlerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** The raw errno value, or {@code 0} when jnr-posix reported a missing function. */
        private final int errno;

        PosixHandlerException(Errno error, String methodName, String extraData) {
            super((methodName != null ? methodName + ": " : "")
                    + (error != null ? error.name() + " (" + error.description() + ")" : "unimplemented")
                    + (extraData != null && !extraData.isEmpty() ? " " + extraData : ""));
            this.errno = error != null && error.defined() ? error.intValue() : 0;
        }

        /**
         * Returns the raw errno value, or {@code 0} when the function is not implemented.
         *
         * @return the raw errno value, or {@code 0} when the function is not implemented
         */
        int errno() {
            return errno;
        }
    }
}
