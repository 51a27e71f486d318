package io.github.astlock.tck.selftest;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import io.github.astlock.spi.LockBackendProvider;
import io.github.astlock.tck.ForwardingFlockFile;
import io.github.astlock.tck.LockBackendTck;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** Deliberately broken backends, each with one realistic mistake, and the kit subjects that run them. */
final class BrokenBackends {
    private BrokenBackends() {
    }

    /** Honest: no override. The control that the same kit tests pass on the wrapper itself. */
    static final class Honest extends WrappedBackend {
    }

    /** "flock" through FileChannel.tryLock: an fcntl(2) lock, which never sees flock(2). */
    static final class FileChannelFlock extends WrappedBackend {
        @Override
        public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
            FlockFile fd = real().openForFlock(path, permissions);
            return new ForwardingFlockFile(fd) {
                private FileChannel channel;
                private FileLock lock;

                @Override
                public boolean tryLockExclusive() throws ErrnoException {
                    try {
                        if (channel == null) {
                            channel = FileChannel.open(path, StandardOpenOption.WRITE);
                        }
                        lock = channel.tryLock();
                        return lock != null;
                    } catch (OverlappingFileLockException e) {
                        return false;
                    } catch (IOException e) {
                        throw new ErrnoException("fcntl", path, Errno.EIO);
                    }
                }

                @Override
                public void close() throws ErrnoException {
                    try {
                        if (channel != null) {
                            channel.close();
                        }
                    } catch (IOException ignored) {
                        // closing releases the fcntl lock
                    }
                    super.close();
                }
            };
        }
    }

    /** link(2) whose EEXIST is ignored: "the link is there, so we have it". */
    static final class LinkIgnoresEexist extends WrappedBackend {
        @Override
        public boolean link(Path existing, Path newName) throws ErrnoException {
            real().link(existing, newName);
            return true;
        }
    }

    /** An "exclusive" create without O_EXCL: it truncates and follows whatever is there. */
    static final class NonExclusiveCreate extends WrappedBackend {
        @Override
        public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
            try {
                Files.write(path, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new ErrnoException("open", path, null, Errno.fromException(e), e);
            }
        }
    }

    /**
     * No working identity check after flock: inode numbers are lost (reported as 0, as with a
     * wrong {@code struct stat} layout or a statx mask without STATX_INO), so the core's
     * comparison of the locked inode with the one named {@code lock} always agrees - the same
     * blindness as Asterisk's dead check (KD-1).
     */
    static final class InodeNumbersLost extends WrappedBackend {
        private static FileStat blind(FileStat s) {
            return new FileStat(s.dev(), 0, s.nlink(), s.type(), s.mode(), s.uid(), s.size(), s.mtimeNanos(), s.ctimeNanos());
        }

        @Override
        public Optional<FileStat> lstat(Path path) throws ErrnoException {
            return real().lstat(path).map(InodeNumbersLost::blind);
        }

        @Override
        public Optional<FileStat> stat(Path path) throws ErrnoException {
            return real().stat(path).map(InodeNumbersLost::blind);
        }

        @Override
        public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
            FlockFile fd = real().openForFlock(path, permissions);
            return new ForwardingFlockFile(fd) {
                @Override
                public FileStat fstat() throws ErrnoException {
                    return blind(super.fstat());
                }
            };
        }

        @Override
        public FlockFile openDirectoryForFlock(Path path) throws ErrnoException {
            FlockFile fd = real().openDirectoryForFlock(path);
            return new ForwardingFlockFile(fd) {
                @Override
                public FileStat fstat() throws ErrnoException {
                    return blind(super.fstat());
                }
            };
        }
    }

    // ------------------------------------------------------------------ kit subjects (not run by Surefire)

    /** Claims to lock directories, but its "lock" on a directory descriptor excludes nobody. */
    static final class DirectoryLockExcludesNobody extends WrappedBackend {
        @Override
        public FlockFile openDirectoryForFlock(Path dir) throws ErrnoException {
            FlockFile fd = real().openDirectoryForFlock(dir);
            return new ForwardingFlockFile(fd) {
                @Override
                public boolean tryLockExclusive() {
                    return true;
                }
            };
        }
    }

    /** rename(2) emulated by copying to a new file: the moved file is no longer the same inode. */
    static final class CopyingRename extends WrappedBackend {
        @Override
        public void rename(Path from, Path to) throws ErrnoException {
            byte[] content = real().read(from, 1 << 16);
            real().createExclusive(to, 0644, content);
            real().unlink(from);
        }
    }

    /** Reads with a plain blocking, interruptible java.io/java.nio open: hangs on a FIFO. */
    static final class BlockingRead extends WrappedBackend {
        @Override
        public byte[] read(Path path, int maxBytes) throws ErrnoException {
            try (java.io.InputStream in = Files.newInputStream(path)) {
                return in.readNBytes(maxBytes);
            } catch (IOException e) {
                throw new ErrnoException("read", path, null, Errno.fromException(e), e);
            }
        }
    }

    /** Reads through an interruptible channel, keeping the interrupt: fails on an interrupted thread. */
    static final class InterruptibleRead extends WrappedBackend {
        @Override
        public byte[] read(Path path, int maxBytes) throws ErrnoException {
            try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(path, StandardOpenOption.READ)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(maxBytes);
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // until full or end of file
                }
                return java.util.Arrays.copyOf(buf.array(), buf.position());
            } catch (IOException e) {
                throw new ErrnoException("read", path, null, Errno.EIO, e);
            }
        }
    }

    /** Never changes owners: a root holder leaves root's 0600 lock file behind. */
    static final class NoChown extends WrappedBackend {
        @Override
        public void chownLike(Path file, Path like) {
            // "best effort": silently does nothing
        }
    }

    /** The kit on the honest wrapper. */
    static class HonestSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new Honest();
        }
    }

    /** The kit on the fcntl "flock". */
    static class FileChannelFlockSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new FileChannelFlock();
        }
    }

    /** The kit on the link that ignores EEXIST. */
    static class LinkIgnoresEexistSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new LinkIgnoresEexist();
        }
    }

    /** The kit on the non-exclusive create. */
    static class NonExclusiveCreateSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new NonExclusiveCreate();
        }
    }

    /** The kit on the backend without a working identity check. */
    static class InodeNumbersLostSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new InodeNumbersLost();
        }
    }

    /** Kit subject. */
    static class DirectoryLockExcludesNobodySubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new DirectoryLockExcludesNobody();
        }
    }

    /** Kit subject. */
    static class CopyingRenameSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new CopyingRename();
        }
    }

    /** Kit subject. */
    static class BlockingReadSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new BlockingRead();
        }
    }

    /** Kit subject. */
    static class InterruptibleReadSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new InterruptibleRead();
        }
    }

    /** Kit subject. */
    static class NoChownSubject extends LockBackendTck {
        @Override
        protected LockBackendProvider createBackend() {
            return new NoChown();
        }
    }
}
