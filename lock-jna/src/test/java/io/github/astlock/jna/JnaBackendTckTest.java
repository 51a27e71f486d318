package io.github.astlock.jna;

import io.github.astlock.spi.LockBackendProvider;
import io.github.astlock.tck.LockBackendTck;

/** Runs the whole compatibility kit on the jna backend. */
class JnaBackendTckTest extends LockBackendTck {
    @Override
    protected LockBackendProvider createBackend() {
        return new JnaBackendProvider();
    }
}
