package io.github.astlock.jna;

import com.sun.jna.Native;
import io.github.astlock.spi.AtPath;
import io.github.astlock.spi.DescriptorRead;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileContent;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import io.github.astlock.spi.InotifyWatch;
import io.github.astlock.spi.NativePath;
import io.github.astlock.spi.ReleaseWatch;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The primitives as direct C library calls through JNA: one system call each (plus the cleanup
 * the contract demands after a failed write). Every return value is checked; after a
 * {@code -1} the error is read at once with {@link Native#getLastError()}, which JNA fills on
 * the calling thread right after each native call, and mapped with {@link Errno#of(int)}.
 *
 * <p>Stateless apart from the bound library, hence safe for concurrent use. Never logs.
 */
final class JnaFileOps implements FileOps {
    /** The charset JNA encodes a {@code String} argument with ({@code jna.encoding}). */
    static final java.nio.charset.Charset BINDING_CHARSET = bindingCharset();

    private final LibC libc;
    private final LinuxAbi abi;
    private final int createFlags;
    private final int flockFlags;

    /**
     * Creates an instance.
     *
     * @param libc the bound C library
     * @param abi  the constants of this architecture
     */
    JnaFileOps(LibC libc, LinuxAbi abi) {
        this.libc = Objects.requireNonNull(libc, "libc");
        this.abi = Objects.requireNonNull(abi, "abi");
        this.createFlags = abi.createExclusiveFlags();
        this.flockFlags = abi.openForFlockFlags();
    }

    /**
     * Returns the architecture constants in use.
     *
     * @return the architecture constants in use
     */
    LinuxAbi abi() {
        return abi;
    }

    @Override
    public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
        Objects.requireNonNull(content, "content");
        AtPath p = at("open", path, null);
        int fd = libc.openat(p.dirfd(), p.name(), createFlags, permissions & 07777);
        if (fd < 0) {
            throw failure("open", path, null);
        }
        try {
            writeFully(fd, path, content);
        } catch (ErrnoException e) {
            // Remove what we created, but only if the name still is our inode.
            FileStat created = statOrNull(fd, "", LinuxAbi.AT_EMPTY_PATH);
            libc.close(fd);
            FileStat named = statOrNull(p.dirfd(), p.name(), LinuxAbi.AT_SYMLINK_NOFOLLOW);
            if (created != null && created.sameInode(named)) {
                libc.unlinkat(p.dirfd(), p.name(), 0);
            }
            throw e;
        }
        if (libc.close(fd) != 0) {
            // On Linux the descriptor is gone anyway; a failed close (EIO on NFS) means the
            // content may not have been stored, so the file is not a valid result.
            ErrnoException e = failure("close", path, null);
            libc.unlinkat(p.dirfd(), p.name(), 0);
            throw e;
        }
    }

    private void writeFully(int fd, Path path, byte[] content) throws ErrnoException {
        int done = 0;
        while (done < content.length) {
            byte[] rest = done == 0 ? content : Arrays.copyOfRange(content, done, content.length);
            long n = libc.write(fd, rest, rest.length);
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno == Errno.EINTR.number()) {
                    continue;
                }
                throw new ErrnoException("write", path, Errno.of(errno));
            }
            if (n == 0) {
                // write(2) of a regular file never returns 0 for a non-empty buffer; don't loop.
                throw new ErrnoException("write", path, null,
                        new Errno(Errno.EIO.name(), Errno.EIO.number(), "write(2) wrote nothing"), null);
            }
            done += (int) n;
        }
    }

    @Override
    public boolean link(Path existing, Path newName) throws ErrnoException {
        AtPath from = at("link", existing, newName);
        AtPath to = at("link", newName, existing);
        // flags 0: like link(2) on Linux, a symbolic link named existing is linked, not followed
        if (libc.linkat(from.dirfd(), from.name(), to.dirfd(), to.name(), 0) == 0) {
            return true;
        }
        int errno = Native.getLastError();
        if (errno == Errno.EEXIST.number()) {
            return false;
        }
        throw new ErrnoException("link", existing, newName, Errno.of(errno), null);
    }

    @Override
    public void unlink(Path path) throws ErrnoException {
        // unlink(2) itself refuses a directory on Linux (EISDIR), so no check is needed.
        AtPath p = at("unlink", path, null);
        if (libc.unlinkat(p.dirfd(), p.name(), 0) != 0) {
            throw failure("unlink", path, null);
        }
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        AtPath f = at("rename", from, to);
        AtPath t = at("rename", to, from);
        if (libc.renameat(f.dirfd(), f.name(), t.dirfd(), t.name()) != 0) {
            throw failure("rename", from, to);
        }
    }

    @Override
    public Optional<FileStat> lstat(Path path) throws ErrnoException {
        return stat("lstat", path, LinuxAbi.AT_SYMLINK_NOFOLLOW | LinuxAbi.AT_NO_AUTOMOUNT);
    }

    @Override
    public Optional<FileStat> stat(Path path) throws ErrnoException {
        return stat("stat", path, LinuxAbi.AT_NO_AUTOMOUNT);
    }

    private Optional<FileStat> stat(String op, Path path, int flags) throws ErrnoException {
        byte[] buf = new byte[Statx.SIZE];
        AtPath p = at(op, path, null);
        if (libc.statx(p.dirfd(), p.name(), flags, LinuxAbi.STATX_BASIC_STATS, buf) != 0) {
            int errno = Native.getLastError();
            if (errno == Errno.ENOENT.number()) {
                return Optional.empty();
            }
            throw new ErrnoException(op, path, Errno.of(errno));
        }
        return Optional.of(Statx.decode(buf));
    }

    /**
     * {@code fstat(2)} of a descriptor, as {@code statx(fd, "", AT_EMPTY_PATH)}.
     *
     * @param fd   the descriptor
     * @param path the file's name, for the error message
     * @return the status
     * @throws ErrnoException when the call fails
     */
    FileStat fstat(int fd, Path path) throws ErrnoException {
        byte[] buf = new byte[Statx.SIZE];
        if (libc.statx(fd, "", LinuxAbi.AT_EMPTY_PATH, LinuxAbi.STATX_BASIC_STATS, buf) != 0) {
            throw failure("fstat", path, null);
        }
        return Statx.decode(buf);
    }

    /** statx for cleanup decisions: {@code null} on any failure. */
    private FileStat statOrNull(int dirfd, String path, int flags) {
        byte[] buf = new byte[Statx.SIZE];
        return libc.statx(dirfd, path, flags, LinuxAbi.STATX_BASIC_STATS, buf) == 0 ? Statx.decode(buf) : null;
    }

    @Override
    public FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
        AtPath p = at("open", path, null);
        int fd = libc.openat(p.dirfd(), p.name(), flockFlags, permissions & 07777);
        if (fd < 0) {
            throw failure("open", path, null);
        }
        return new JnaFlockFile(this, path, fd);
    }

    @Override
    public FlockFile openDirectoryForFlock(Path dir) throws ErrnoException {
        AtPath p = at("open", dir, null);
        int fd = libc.openat(p.dirfd(), p.name(), abi.directoryFlags(), 0);
        if (fd < 0) {
            throw failure("open", dir, null);
        }
        return new JnaFlockFile(this, dir, fd);
    }

    /**
     * {@inheritDoc} An {@link InotifyWatch} in the waiting thread; the C library's inotify,
     * eventfd, poll and statfs functions are bound on the first call.
     */
    @Override
    public Optional<ReleaseWatch> watchForRelease(Path dir) throws ErrnoException {
        JnaWatchCalls calls = JnaWatchCalls.bind();
        return calls == null ? Optional.empty() : Optional.of(InotifyWatch.open(dir, calls));
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
                AtPath a = at("open", p, null);
                int fd = libc.openat(a.dirfd(), a.name(), abi.readFlags(), 0);
                if (fd < 0) {
                    throw failure("open", p, null);
                }
                return fd;
            }

            @Override
            public FileStat fstat(int fd, Path p) throws ErrnoException {
                return JnaFileOps.this.fstat(fd, p);
            }

            @Override
            public long read(int fd, byte[] buf, Path p) throws ErrnoException {
                long n = libc.read(fd, buf, buf.length);
                if (n < 0) {
                    int errno = Native.getLastError();
                    if (errno == Errno.EINTR.number()) {
                        return -1;
                    }
                    throw new ErrnoException("read", p, Errno.of(errno));
                }
                return n;
            }

            @Override
            public void close(int fd, Path p) {
                libc.close(fd);
            }
        };

    /**
     * {@code flock(fd, LOCK_EX|LOCK_NB)}.
     *
     * @param fd   the descriptor
     * @param path the file's name, for the error message
     * @return {@code true} when taken, {@code false} on {@code EWOULDBLOCK}
     * @throws ErrnoException for any other error
     */
    boolean tryLockExclusive(int fd, Path path) throws ErrnoException {
        if (libc.flock(fd, LinuxAbi.LOCK_EX | LinuxAbi.LOCK_NB) == 0) {
            return true;
        }
        int errno = Native.getLastError();
        if (errno == Errno.EAGAIN.number()) {
            return false;
        }
        throw new ErrnoException("flock", path, Errno.of(errno));
    }

    /**
     * {@code flock(fd, LOCK_EX)}, blocking; an interrupted call is made again.
     *
     * @param fd   the descriptor
     * @param path the file's name, for the error message
     * @throws ErrnoException for any error
     */
    void lockExclusive(int fd, Path path) throws ErrnoException {
        while (libc.flock(fd, LinuxAbi.LOCK_EX) != 0) {
            int errno = Native.getLastError();
            if (errno != Errno.EINTR.number()) {
                throw new ErrnoException("flock", path, Errno.of(errno));
            }
        }
    }

    /**
     * {@code close(2)}.
     *
     * @param fd   the descriptor
     * @param path the file's name, for the error message
     * @throws ErrnoException when it reports an error; the descriptor is released anyway
     */
    void close(int fd, Path path) throws ErrnoException {
        if (libc.close(fd) != 0) {
            throw failure("close", path, null);
        }
    }

    /** The error of the call that just returned {@code -1} on this thread. */
    private static ErrnoException failure(String op, Path path, Path other) {
        return new ErrnoException(op, path, other, Errno.of(Native.getLastError()), null);
    }

    /**
     * The path as passed to C, encoded by JNA with its default string encoding: refused
     * ({@code EINVAL}, {@code EILSEQ}) when that would name another file than {@code path}, see
     * {@link NativePath}.
     */
    private static String cPath(String op, Path path, Path other) throws ErrnoException {
        return NativePath.text(op, path, other, BINDING_CHARSET);
    }

    /**
     * The path as {@link #cPath} gives it, split for an {@code *at} call: a name under a locked
     * folder's descriptor path is looked up from that descriptor, see {@link AtPath}.
     */
    private static AtPath at(String op, Path path, Path other) throws ErrnoException {
        return AtPath.of(cPath(op, path, other));
    }

    private static java.nio.charset.Charset bindingCharset() {
        try {
            return java.nio.charset.Charset.forName(Native.getDefaultStringEncoding());
        } catch (RuntimeException e) {
            return java.nio.charset.Charset.defaultCharset();
        }
    }
}
