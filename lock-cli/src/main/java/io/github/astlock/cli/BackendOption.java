package io.github.astlock.cli;

import io.github.astlock.BackendSelectionException;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code --backend} option: which backend performs the file operations. */
final class BackendOption {
    /** The value of {@code --backend}, {@code null} when not given. */
    final Binding<String> id = new Binding<>();

    /**
     * The option {@code --backend}, bound to this object: a mixin for a command defined in code,
     * and for an annotated one through a {@code @Mixin} field of type {@link CommandSpec}.
     * Written in code rather than with annotations, which picocli reads by reflection on every
     * start.
     *
     * @return the mixin
     */
    CommandSpec spec() {
        CommandSpec mixin = CommandSpec.wrapWithoutInspection(this);
        mixin.addOption(OptionSpec.builder("--backend").paramLabel("ID").type(String.class)
                .description("jna, jnr (both modes) or nio (lockfile only); default: the best usable one, or"
                        + " -Dastlock.backend (see: astlock backends)")
                .setter(id).getter(id).build());
        return mixin;
    }

    /**
     * Returns a locker on the chosen backend.
     *
     * @param options the lock options
     * @return a locker on the chosen backend
     * @throws BackendSelectionException when it is missing or unusable, with advice for an administrator
     */
    PathLocker locker(LockOptions options) {
        try {
            String chosen = id.value();
            return chosen == null ? PathLocker.create(options) : PathLocker.create(options, chosen);
        } catch (BackendSelectionException e) {
            BackendSelectionException admin = new BackendSelectionException(Messages.backendProblem(id.value() != null ? id.value()
                    : System.getProperty(io.github.astlock.LockBackends.BACKEND_PROPERTY)));
            admin.initCause(e);
            throw admin;
        }
    }
}
