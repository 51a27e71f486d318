package io.github.astlock.tck.selftest;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.FlockFile;
import io.github.astlock.spi.LockBackendProvider;
import io.github.astlock.tck.ForwardingFlockFile;
import io.github.astlock.tck.LockBackendTck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Backends with mistakes that pass single-threaded, single-call checks but damage real spools,
 * each caught by one of the kit's OPS rules (or by its bound on every test).
 */
final class MisbehavingBackends {
    private MisbehavingBackends() {
    }

    /** lstat and stat fill one buffer shared by every call, as a static {@code struct stat} would. */
    static final class SharedStatBuffer extends WrappedBackend {
        private final long[] buffer = new long[8];
        private FileType type;

        private Optional<FileStat> through(Optional<FileStat> s) {
            if (s.isEmpty()) {
                return s;
            }
            FileStat st = s.get();
            buffer[0] = st.dev();
            buffer[1] = st.ino();
            buffer[2] = st.nlink();
            type = st.type();
            buffer[3] = st.mode();
            Thread.yield();
            buffer[4] = st.uid();
            buffer[5] = st.size();
            buffer[6] = st.mtimeNanos();
            buffer[7] = st.ctimeNanos();
            Thread.yield();
            return Optional.of(new FileStat(buffer[0], buffer[1], buffer[2], type, (int) buffer[3], (int) buffer[4],
                    buffer[5], buffer[6], buffer[7]));
        }

        @Override
        public Optional<FileStat> lstat(Path path) throws ErrnoException {
            return through(real().lstat(path));
        }

        @Override
        public Optional<FileStat> stat(Path path) throws ErrnoException {
            return through(real().stat(path));
        }
    }

    /** The C library's close(2), to close a descriptor number behind the real backend's back. */
    interface LibC extends Library {
        /** The C library. */
        LibC INSTANCE = Native.load("c", LibC.class);

        /**
         * close(2).
         *
         * @param fd the descriptor
         * @return 0 or -1
         */
        int close(int fd);
    }

    /** close() closes the descriptor number again on every call, not once. */
    static final class DoubleClose extends WrappedBackend {
        @Override
        public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
            List<Integer> before = descriptorsOn(path);
            FlockFile fd = real().openForFlock(path, permissions);
            List<Integer> after = descriptorsOn(path);
            after.removeAll(before);
            int number = after.isEmpty() ? -1 : after.get(0);
            return new ForwardingFlockFile(fd) {
                private boolean closed;

                @Override
                public void close() throws ErrnoException {
                    if (!closed) {
                        closed = true;
                        fd.close();
                    } else if (number >= 0) {
                        LibC.INSTANCE.close(number); // the number may belong to someone else by now
                    }
                }
            };
        }

        private static List<Integer> descriptorsOn(Path path) {
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                return s.filter(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).equals(path);
                    } catch (IOException e) {
                        return false;
                    }
                }).map(fd -> Integer.valueOf(fd.getFileName().toString())).collect(Collectors.toList());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** tryLockExclusive without LOCK_NB: it waits until the lock is free. */
    static final class BlockingTryLock extends WrappedBackend {
        @Override
        public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
            return new ForwardingFlockFile(real().openForFlock(path, permissions)) {
                @Override
                public boolean tryLockExclusive() throws ErrnoException {
                    while (!super.tryLockExclusive()) {
                        pause(5);
                    }
                    return true;
                }
            };
        }
    }

    /** tryLockExclusive that retries inside for 400 ms before it reports the lock busy. */
    static final class RetryingTryLock extends WrappedBackend {
        @Override
        public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
            return new ForwardingFlockFile(real().openForFlock(path, permissions)) {
                @Override
                public boolean tryLockExclusive() throws ErrnoException {
                    long end = System.nanoTime() + 400_000_000L;
                    do {
                        if (super.tryLockExclusive()) {
                            return true;
                        }
                        pause(20);
                    } while (System.nanoTime() < end);
                    return false;
                }
            };
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** ctime taken from the modification time. */
    static final class CtimeFromMtime extends WrappedBackend {
        private static FileStat wrong(FileStat s) {
            return new FileStat(s.dev(), s.ino(), s.nlink(), s.type(), s.mode(), s.uid(), s.size(), s.mtimeNanos(),
                    s.mtimeNanos());
        }

        @Override
        public Optional<FileStat> lstat(Path path) throws ErrnoException {
            return real().lstat(path).map(CtimeFromMtime::wrong);
        }

        @Override
        public Optional<FileStat> stat(Path path) throws ErrnoException {
            return real().stat(path).map(CtimeFromMtime::wrong);
        }
    }

    /** The owner record read through a symbolic link. */
    static final class ReadFollowsLinks extends WrappedBackend {
        @Override
        public byte[] read(Path path, int maxBytes) throws ErrnoException {
            try {
                byte[] all = Files.readAllBytes(path);
                return java.util.Arrays.copyOf(all, Math.min(all.length, maxBytes));
            } catch (IOException e) {
                throw new ErrnoException("read", path, null, Errno.fromException(e), e);
            }
        }
    }

    /** list() that hides dot-files, as a shell glob would. */
    static final class ListHidesDotFiles extends WrappedBackend {
        @Override
        public List<String> list(Path dir) throws ErrnoException {
            return real().list(dir).stream().filter(n -> !n.startsWith(".")).collect(Collectors.toList());
        }
    }

    /** fstat implemented as an lstat of the path the descriptor was opened with. */
    static final class FstatOfPath extends WrappedBackend {
        @Override
        public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
            return new ForwardingFlockFile(real().openForFlock(path, permissions)) {
                @Override
                public FileStat fstat() throws ErrnoException {
                    return lstat(path).orElseThrow(() -> new ErrnoException("fstat", path, Errno.ENOENT));
                }
            };
        }
    }

    /** A probe open on the error path of openForFlock that is never closed when the open fails. */
    static final class LeakOnDirectory extends WrappedBackend {
        @Override
        public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
            if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.newByteChannel(path); // "check what it is" - and never closed
                } catch (IOException ignored) {
                    // fall through to the real error
                }
            }
            return real().openForFlock(path, permissions);
        }
    }

    /** availability() asks a delegate that turns out to be itself: it recurses until the stack overflows. */
    static final class RecursingAvailability extends WrappedBackend {
        @Override
        public Availability availability() {
            LockBackendProvider delegate = new RecursingAvailability();
            return delegate.availability();
        }
    }

    // ------------------------------------------------------------------ kit subjects (not run by Surefire)

    /** The kit on the shared stat buffer. */
    static class SharedStatBufferSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new SharedStatBuffer();
        }
    }

    /** The kit on the double close. */
    static class DoubleCloseSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new DoubleClose();
        }
    }

    /** The kit on the blocking tryLockExclusive. */
    static class BlockingTryLockSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new BlockingTryLock();
        }
    }

    /** The kit on the retrying tryLockExclusive. */
    static class RetryingTryLockSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new RetryingTryLock();
        }
    }

    /** The kit on ctime from mtime. */
    static class CtimeFromMtimeSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new CtimeFromMtime();
        }
    }

    /** The kit on a read that follows links. */
    static class ReadFollowsLinksSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new ReadFollowsLinks();
        }
    }

    /** The kit on a list that hides dot-files. */
    static class ListHidesDotFilesSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new ListHidesDotFiles();
        }
    }

    /** The kit on fstat of the path. */
    static class FstatOfPathSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new FstatOfPath();
        }
    }

    /** The kit on the leak on a directory. */
    static class LeakOnDirectorySubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new LeakOnDirectory();
        }
    }

    /** The kit on the recursing availability. */
    static class RecursingAvailabilitySubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new RecursingAvailability();
        }
    }
}
