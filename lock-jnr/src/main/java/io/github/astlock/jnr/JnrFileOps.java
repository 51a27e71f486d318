package io.github.astlock.jnr;

import io.github.astlock.jnr.calls.JnrAtCalls;
import io.github.astlock.spi.AtPath;
import io.github.astlock.spi.DescriptorRead;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileContent;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.FlockFile;
import io.github.astlock.spi.InotifyWatch;
import io.github.astlock.spi.ReleaseWatch;
import io.github.astlock.spi.NativePath;
import java.nio.charset.Charset;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import jnr.posix.NanosecondFileStat;
import jnr.posix.POSIX;

/**
 * The primitives as real system calls through jnr-posix's native layer.
 *
 * <p><b>Errors.</b> Only jnr-posix's {@code int}/{@code long}-returning calls are used
 * ({@code open}, {@code write}, {@code close}, {@code link}, {@code unlink}, {@code rename},
 * {@code lstat(String, FileStat)}, {@code stat(String, FileStat)}, {@code fstat(int, FileStat)},
 * {@code flock}), and {@code openat}, {@code linkat}, {@code unlinkat} and {@code renameat} through
 * {@link JnrAtCalls} where jnr-ffi binds them (a name under a locked folder's descriptor path is then
 * looked up from the descriptor, see {@link AtPath}); they return {@code -1} and do not involve the
 * {@link StrictPosixHandler}. The
 * {@code errno} is then read with {@link POSIX#errno()} immediately, on the same thread: jnr-ffi
 * saves the C library's {@code errno} into a thread-local right after each native call, so no
 * other Java code can overwrite it in between. The number is mapped with {@link Errno#of(int)}.
 * Should jnr-posix report through its handler anyway (a function missing from the C library)
 * the handler's exception, or a {@link LinkageError} from jnr-ffi, becomes an
 * {@link ErrnoException} too ({@code ENOSYS} when no errno is known).
 *
 * <p><b>Paths.</b> jnr-ffi encodes a path {@link String} with {@link Charset#defaultCharset()},
 * whereas java.nio uses the platform's file-name encoding ({@code sun.jnu.encoding}); they
 * differ for example on Java 18+ under a non-UTF-8 locale, and a name that is not valid in that
 * encoding has no faithful text at all. Such a path is refused ({@code EILSEQ}) rather than
 * silently naming another file; so is a path containing NUL (which C would truncate) and a path
 * of another {@link java.nio.file.FileSystem} ({@code EINVAL}); see {@link NativePath}.
 *
 * <p><b>Times.</b> On Linux jnr-posix's {@code struct stat} implements
 * {@link NanosecondFileStat}; {@code mtime}/{@code ctime} are then seconds × 10⁹ plus the
 * nanosecond field. On a layout without nanoseconds they are seconds × 10⁹.
 */
final class JnrFileOps implements FileOps {
    /** {@code flock(2)}: exclusive lock. */
    static final int LOCK_EX = 2;
    /** {@code flock(2)}: do not block. */
    static final int LOCK_NB = 4;

    private static final Charset FFI_CHARSET = Charset.defaultCharset();

    private final POSIX posix;
    /** The {@code *at} calls, or {@code null} when jnr-ffi could not bind them. */
    private final JnrAtCalls atCalls;
    private final int createFlags;
    private final int flockFlags;
    private final int readFlags;
    private final int directoryFlags;
    private final int oNonblock;
    private final int oCloexec;

    JnrFileOps(POSIX posix, JnrAtCalls atCalls, int oWronly, int oCreat, int oExcl, int oNofollow, int oNonblock,
               int oCloexec, int oDirectory) {
        this.posix = posix;
        this.atCalls = atCalls;
        this.createFlags = oWronly | oCreat | oExcl | oCloexec | oNofollow;
        this.flockFlags = oWronly | oCreat | oNofollow | oCloexec | oNonblock;
        this.readFlags = oNofollow | oNonblock | oCloexec; // O_RDONLY is 0
        this.directoryFlags = oDirectory | oCloexec;
        this.oNonblock = oNonblock;
        this.oCloexec = oCloexec;
    }

    /**
     * {@inheritDoc} An {@link InotifyWatch} in the waiting thread; the C library's inotify,
     * eventfd, poll and statfs functions are bound with jnr-ffi on the first call.
     */
    @Override
    public Optional<ReleaseWatch> watchForRelease(Path dir) throws ErrnoException {
        JnrWatchCalls calls = JnrWatchCalls.bind(posix, oNonblock, oCloexec);
        return calls == null ? Optional.empty() : Optional.of(InotifyWatch.open(dir, calls));
    }

    /**
     * Returns the POSIX layer, for the provider's description.
     *
     * @return the POSIX layer, for the provider's description
     */
    POSIX posix() {
        return posix;
    }

    @Override
    public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
        AtPath p = where("open", path);
        int fd;
        try {
            fd = open(p, createFlags, permissions);
            if (fd < 0) {
                throw fail("open", path, null);
            }
        } catch (RuntimeException | LinkageError e) {
            throw unexpected("open", path, null, e);
        }
        ErrnoException failure = null;
        try {
            writeFully(fd, path, content);
        } catch (ErrnoException e) {
            failure = e;
        }
        ErrnoException closeFailure = closeFd(fd, path);
        if (failure == null) {
            // A deferred write error (NFS, quota) can surface only at close: the file is not
            // what was asked for, so it is removed like after a failed write.
            failure = closeFailure;
        } else if (closeFailure != null) {
            failure.addSuppressed(closeFailure);
        }
        if (failure != null) {
            removeAfterFailure(p, failure);
            throw failure;
        }
    }

    private void writeFully(int fd, Path path, byte[] content) throws ErrnoException {
        int off = 0;
        while (off < content.length) {
            byte[] chunk = off == 0 ? content : Arrays.copyOfRange(content, off, content.length);
            long n;
            try {
                n = posix.write(fd, chunk, (long) chunk.length);
                if (n < 0) {
                    throw fail("write", path, null);
                }
            } catch (RuntimeException | LinkageError e) {
                throw unexpected("write", path, null, e);
            }
            if (n == 0) {
                // write(2) of a positive count to a regular file never returns 0; do not loop.
                throw new ErrnoException("write", path, null,
                        new Errno("EIO", Errno.EIO.number(), "write(2) wrote nothing"), null);
            }
            off += (int) n;
        }
    }

    private ErrnoException closeFd(int fd, Path path) {
        try {
            // Never retried: on Linux the descriptor is released even when close(2) fails.
            return posix.close(fd) < 0 ? fail("close", path, null) : null;
        } catch (RuntimeException | LinkageError e) {
            return unexpected("close", path, null, e);
        }
    }

    private void removeAfterFailure(AtPath p, ErrnoException failure) {
        try {
            if (unlink(p) < 0) {
                int errno = posix.errno();
                failure.addSuppressed(new ErrnoException("unlink", Path.of(p.name()), Errno.of(errno)));
            }
        } catch (RuntimeException | LinkageError e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public boolean link(Path existing, Path newName) throws ErrnoException {
        AtPath from = where("link", existing);
        AtPath to = where("link", newName);
        try {
            if (atCalls != null ? atCalls.linkat(from.dirfd(), from.name(), to.dirfd(), to.name(), 0) == 0
                    : posix.link(from.name(), to.name()) == 0) {
                return true;
            }
            int errno = posix.errno();
            if (errno == Errno.EEXIST.number()) {
                return false;
            }
            throw new ErrnoException("link", existing, newName, Errno.of(errno), null);
        } catch (RuntimeException | LinkageError e) {
            throw unexpected("link", existing, newName, e);
        }
    }

    @Override
    public void unlink(Path path) throws ErrnoException {
        AtPath p = where("unlink", path);
        try {
            if (unlink(p) < 0) {
                throw fail("unlink", path, null);
            }
        } catch (RuntimeException | LinkageError e) {
            throw unexpected("unlink", path, null, e);
        }
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        AtPath f = where("rename", from);
        AtPath t = where("rename", to);
        try {
            if (atCalls != null ? atCalls.renameat(f.dirfd(), f.name(), t.dirfd(), t.name()) < 0
                    : posix.rename(f.name(), t.name()) < 0) {
                throw fail("rename", from, to);
            }
        } catch (RuntimeException | LinkageError e) {
            throw unexpected("rename", from, to, e);
        }
    }

    @Override
    public Optional<FileStat> lstat(Path path) throws ErrnoException {
        return stat(path, false);
    }

    @Override
    public Optional<FileStat> stat(Path path) throws ErrnoException {
        return stat(path, true);
    }

    private Optional<FileStat> stat(Path path, boolean follow) throws ErrnoException {
        String op = follow ? "stat" : "lstat";
        String p = nativePath(op, path);
        try {
            jnr.posix.FileStat st = posix.allocateStat();
            int r = follow ? posix.stat(p, st) : posix.lstat(p, st);
            if (r < 0) {
                int errno = posix.errno();
                if (errno == Errno.ENOENT.number()) {
                    return Optional.empty();
                }
                throw new ErrnoException(op, path, Errno.of(errno));
            }
            return Optional.of(convert(st));
        } catch (RuntimeException | LinkageError e) {
            throw unexpected(op, path, null, e);
        }
    }

    /**
     * {@code fstat(2)} of a descriptor.
     *
     * @param fd   the descriptor
     * @param path the path it was opened from, for messages
     * @return the status
     * @throws ErrnoException when the call fails
     */
    FileStat fstat(int fd, Path path) throws ErrnoException {
        try {
            jnr.posix.FileStat st = posix.allocateStat();
            if (posix.fstat(fd, st) < 0) {
                throw fail("fstat", path, null);
            }
            return convert(st);
        } catch (RuntimeException | LinkageError e) {
            throw unexpected("fstat", path, null, e);
        }
    }

    /**
     * {@code flock(fd, LOCK_EX | LOCK_NB)}.
     *
     * @param fd   the descriptor
     * @param path the path it was opened from, for messages
     * @return {@code true} when locked, {@code false} on {@code EWOULDBLOCK}
     * @throws ErrnoException for any other error
     */
    boolean flockExclusiveNonBlocking(int fd, Path path) throws ErrnoException {
        try {
            if (posix.flock(fd, LOCK_EX | LOCK_NB) == 0) {
                return true;
            }
            int errno = posix.errno();
            if (errno == Errno.EAGAIN.number()) {
                return false;
            }
            throw new ErrnoException("flock", path, Errno.of(errno));
        } catch (RuntimeException | LinkageError e) {
            throw unexpected("flock", path, null, e);
        }
    }

    /**
     * {@code flock(fd, LOCK_EX)}, blocking; an interrupted call is made again.
     *
     * @param fd   the descriptor
     * @param path the path it was opened from, for messages
     * @throws ErrnoException for any error
     */
    void flockExclusive(int fd, Path path) throws ErrnoException {
        try {
            while (posix.flock(fd, LOCK_EX) != 0) {
                int errno = posix.errno();
                if (errno != Errno.EINTR.number()) {
                    throw new ErrnoException("flock", path, Errno.of(errno));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            throw unexpected("flock", path, null, e);
        }
    }

    /**
     * {@code close(2)} of a descriptor opened by {@link #openForFlock}.
     *
     * @param fd   the descriptor
     * @param path the path it was opened from, for messages
     * @throws ErrnoException when close reports an error (the descriptor is released anyway)
     */
    void close(int fd, Path path) throws ErrnoException {
        ErrnoException e = closeFd(fd, path);
        if (e != null) {
            throw e;
        }
    }

    @Override
    public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
        AtPath p = where("open", path);
        int fd;
        try {
            fd = open(p, flockFlags, permissions);
            if (fd < 0) {
                throw fail("open", path, null);
            }
        } catch (RuntimeException | LinkageError e) {
            throw unexpected("open", path, null, e);
        }
        return new JnrFlockFile(this, fd, path);
    }

    @Override
    public FlockFile openDirectoryForFlock(Path dir) throws ErrnoException {
        AtPath p = where("open", dir);
        int fd;
        try {
            fd = open(p, directoryFlags, 0);
            if (fd < 0) {
                throw fail("open", dir, null);
            }
        } catch (RuntimeException | LinkageError e) {
            throw unexpected("open", dir, null, e);
        }
        return new JnrFlockFile(this, fd, dir);
    }

    @Override
    public byte[] read(Path path, int maxBytes) throws ErrnoException {
        return DescriptorRead.read(path, maxBytes, readCalls);
    }

    @Override
    public FileContent readWithStatus(Path path, int maxBytes) throws ErrnoException {
        return DescriptorRead.readWithStatus(path, maxBytes, readCalls);
    }

    /** The system calls of {@link #read}, for {@link DescriptorRead}. */
    private final DescriptorRead.Calls readCalls = new DescriptorRead.Calls() {
            @Override
            public int open(Path p) throws ErrnoException {
                AtPath name = where("open", p);
                try {
                    int fd = JnrFileOps.this.open(name, readFlags, 0);
                    if (fd < 0) {
                        throw fail("open", p, null);
                    }
                    return fd;
                } catch (RuntimeException | LinkageError e) {
                    throw unexpected("open", p, null, e);
                }
            }

            @Override
            public FileStat fstat(int fd, Path p) throws ErrnoException {
                return JnrFileOps.this.fstat(fd, p);
            }

            @Override
            public long read(int fd, byte[] buf, Path p) throws ErrnoException {
                try {
                    long n = posix.read(fd, buf, (long) buf.length);
                    if (n < 0) {
                        if (posix.errno() == Errno.EINTR.number()) {
                            return -1;
                        }
                        throw fail("read", p, null);
                    }
                    return n;
                } catch (RuntimeException | LinkageError e) {
                    throw unexpected("read", p, null, e);
                }
            }

            @Override
            public void close(int fd, Path p) {
                closeFd(fd, p);
            }
        };

    private static FileStat convert(jnr.posix.FileStat st) {
        int mode = st.mode();
        long mtime;
        long ctime;
        if (st instanceof NanosecondFileStat) {
            NanosecondFileStat ns = (NanosecondFileStat) st;
            mtime = st.mtime() * 1_000_000_000L + ns.mTimeNanoSecs();
            ctime = st.ctime() * 1_000_000_000L + ns.cTimeNanoSecs();
        } else {
            mtime = st.mtime() * 1_000_000_000L;
            ctime = st.ctime() * 1_000_000_000L;
        }
        return new FileStat(st.dev(), st.ino(), Integer.toUnsignedLong(st.nlink()), FileType.ofMode(mode),
                mode & 07777, st.uid(), st.st_size(), mtime, ctime);
    }

    /** The errno of the call that just returned -1, as an exception. */
    private ErrnoException fail(String op, Path path, Path other) {
        int errno = posix.errno();
        return new ErrnoException(op, path, other, Errno.of(errno), null);
    }

    private static ErrnoException unexpected(String op, Path path, Path other, Throwable e) {
        if (e instanceof StrictPosixHandler.PosixHandlerException
                && ((StrictPosixHandler.PosixHandlerException) e).errno() != 0) {
            return new ErrnoException(op, path, other,
                    Errno.of(((StrictPosixHandler.PosixHandlerException) e).errno()), e);
        }
        return new ErrnoException(op, path, other,
                new Errno(Errno.ENOSYS.name(), Errno.ENOSYS.number(), "jnr-posix could not make the call: " + e), e);
    }

    /**
     * The path as the string handed to jnr-posix, after the checks described in the class
     * comment (see {@link NativePath}).
     */
    private static String nativePath(String op, Path path) throws ErrnoException {
        return NativePath.text(op, path, null, FFI_CHARSET);
    }

    /**
     * Where the system call looks the path up: with the {@code *at} calls bound, a name under a
     * locked folder's descriptor path from that descriptor (see {@link AtPath}); otherwise, and
     * for any other path, by its whole text.
     */
    private AtPath where(String op, Path path) throws ErrnoException {
        String text = nativePath(op, path);
        return atCalls != null ? AtPath.of(text) : new AtPath(AtPath.AT_FDCWD, text);
    }

    private int open(AtPath p, int flags, int mode) {
        return atCalls != null ? atCalls.openat(p.dirfd(), p.name(), flags, mode) : posix.open(p.name(), flags, mode);
    }

    private int unlink(AtPath p) {
        return atCalls != null ? atCalls.unlinkat(p.dirfd(), p.name(), 0) : posix.unlink(p.name());
    }

    /**
     * Whether the {@code *at} calls are bound, for the provider's description.
     *
     * @return {@code true} when they are
     */
    boolean hasAtCalls() {
        return atCalls != null;
    }
}
