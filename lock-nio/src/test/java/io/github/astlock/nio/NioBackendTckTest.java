package io.github.astlock.nio;

import io.github.astlock.spi.LockBackendProvider;
import io.github.astlock.tck.LockBackendTck;

/** Runs the whole compatibility kit on the nio backend. */
class NioBackendTckTest extends LockBackendTck {
    @Override
    protected LockBackendProvider createBackend() {
        return new NioBackendProvider();
    }
}
