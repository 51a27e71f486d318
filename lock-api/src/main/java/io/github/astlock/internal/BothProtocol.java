package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.spi.FileStat;
import java.nio.file.Path;

/**
 * BOTH mode (REC-1): FLOCK first, then LOCKFILE, within one deadline; released in reverse
 * order. Excludes an Asterisk whichever mode it runs in. Composed of the two protocols, so
 * each rule is still written once.
 */
public final class BothProtocol implements LockProtocol {
    private final LockProtocol flock;
    private final LockProtocol lockfile;

    /**
     * Creates an instance.
     *
     * @param flock    the FLOCK protocol
     * @param lockfile the LOCKFILE protocol
     */
    public BothProtocol(LockProtocol flock, LockProtocol lockfile) {
        this.flock = flock;
        this.lockfile = lockfile;
    }

    @Override
    public LockMode mode() {
        return LockMode.BOTH;
    }

    @Override
    public Held acquire(Path dir, long deadline, Backoff backoff) throws LockException, InterruptedException {
        return acquire(dir, null, deadline, backoff);
    }

    @Override
    public Held acquire(Path dir, FileStat dirStatus, long deadline, Backoff backoff)
            throws LockException, InterruptedException {
        Held outer = flock.acquire(dir, dirStatus, deadline, backoff);
        Held inner;
        try {
            backoff.reset();
            inner = lockfile.acquire(dir, dirStatus, deadline, backoff);
        } catch (LockException | InterruptedException | RuntimeException e) {
            try {
                outer.release();
            } catch (LockException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new Held() {
            @Override
            public void checkValid() throws LockException {
                outer.checkValid();
                inner.checkValid();
            }

            @Override
            public void checkKept() throws LockException {
                outer.checkKept();
                inner.checkKept();
            }

            @Override
            public void release() throws LockException {
                Throwable first = null;
                try {
                    inner.release();
                } catch (LockException | RuntimeException | Error e) {
                    first = e;
                } finally {
                    // Whatever the inner release did, the flock is let go too.
                    try {
                        outer.release();
                    } catch (LockException | RuntimeException | Error e) {
                        if (first == null) {
                            first = e;
                        } else {
                            first.addSuppressed(e);
                        }
                    }
                }
                if (first instanceof LockException) {
                    throw (LockException) first;
                }
                if (first instanceof RuntimeException) {
                    throw (RuntimeException) first;
                }
                if (first instanceof Error) {
                    throw (Error) first;
                }
            }
        };
    }
}
