package io.github.astlock.testing;

import io.github.astlock.LockMode;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.LockBackendProvider;
import java.util.Set;

/** A backend over {@link FakeFileOps}, with configurable modes. */
public final class FakeBackend implements LockBackendProvider {
    private final FakeFileOps ops;
    private final Set<LockMode> modes;

    /**
     * @param ops   the fake file system
     * @param modes the modes to declare
     */
    public FakeBackend(FakeFileOps ops, Set<LockMode> modes) {
        this.ops = ops;
        this.modes = modes;
    }

    @Override
    public String id() {
        return "fake";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.usable("in-memory fake");
    }

    @Override
    public Set<LockMode> supportedModes() {
        return modes;
    }

    @Override
    public String unsupportedModeReason(LockMode mode) {
        return "fake backend does not do " + mode + "; use another";
    }

    @Override
    public FileOps fileOps() {
        return ops;
    }
}
