package io.github.astlock.jnr;

import io.github.astlock.spi.LockBackendProvider;
import io.github.astlock.tck.LockBackendTck;

/** Runs the whole compatibility kit on the jnr backend. */
class JnrBackendTckTest extends LockBackendTck {
    @Override
    protected LockBackendProvider createBackend() {
        return new JnrBackendProvider();
    }
}
