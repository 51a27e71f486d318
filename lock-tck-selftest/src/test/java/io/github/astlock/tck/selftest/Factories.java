package io.github.astlock.tck.selftest;

import io.github.astlock.jna.JnaBackendProvider;
import io.github.astlock.jnr.JnrBackendProvider;
import io.github.astlock.nio.NioBackendProvider;
import io.github.astlock.spi.LockBackendProvider;
import io.github.astlock.tck.TckSupport;

/** Backend factories for child JVMs ({@code io.github.astlock.tck.ChildJvm} builds the backend through them). */
final class Factories {
    private Factories() {
    }

    /** The jna backend. */
    static final class Jna extends TckSupport {
        @Override
        protected LockBackendProvider createBackend() {
            return new JnaBackendProvider();
        }
    }

    /** The jnr backend. */
    static final class Jnr extends TckSupport {
        @Override
        protected LockBackendProvider createBackend() {
            return new JnrBackendProvider();
        }
    }

    /** The nio backend. */
    static final class Nio extends TckSupport {
        @Override
        protected LockBackendProvider createBackend() {
            return new NioBackendProvider();
        }
    }
}
