package io.github.astlock.cli;

import io.github.astlock.BackendSelectionException;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import picocli.CommandLine.Option;

/** The {@code --backend} option: which backend performs the file operations. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "ID",
            description = "jna, jnr (both modes) or nio (lockfile only); default: the best usable one, or"
                    + " -Dastlock.backend (see: astlock backends)")
    String id;

    /**
     * Returns a locker on the chosen backend.
     *
     * @param options the lock options
     * @return a locker on the chosen backend
     * @throws BackendSelectionException when it is missing or unusable, with advice for an administrator
     */
    PathLocker locker(LockOptions options) {
        try {
            return id == null ? PathLocker.create(options) : PathLocker.create(options, id);
        } catch (BackendSelectionException e) {
            BackendSelectionException admin = new BackendSelectionException(Messages.backendProblem(id != null ? id
                    : System.getProperty(io.github.astlock.LockBackends.BACKEND_PROPERTY)));
            admin.initCause(e);
            throw admin;
        }
    }
}
