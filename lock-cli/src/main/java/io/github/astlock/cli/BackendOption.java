package io.github.astlock.cli;

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
     * Locker.
     *
     * @param options the lock options
     * @return a locker on the chosen backend
     * @throws io.github.astlock.BackendSelectionException when it is missing or unusable
     */
    PathLocker locker(LockOptions options) {
        return id == null ? PathLocker.create(options) : PathLocker.create(options, id);
    }
}
