package io.github.astlock.tck.selftest;

import io.github.astlock.jna.JnaBackendProvider;
import io.github.astlock.spi.FileOps;
import io.github.astlock.tck.ForwardingBackend;

/**
 * A correct backend (jna) behind a decorator; each broken backend overrides one operation with
 * a mistake a real implementation could make. Without overrides it is an honest control.
 */
class WrappedBackend extends ForwardingBackend {
    WrappedBackend() {
        super(new JnaBackendProvider());
    }

    FileOps real() {
        return delegateOps();
    }

    @Override
    public String id() {
        return "wrapped-" + getClass().getSimpleName().toLowerCase();
    }

    @Override
    public int priority() {
        return 0;
    }
}
