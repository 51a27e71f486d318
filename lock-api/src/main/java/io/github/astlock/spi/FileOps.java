package io.github.astlock.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The primitive file operations the lock protocols are built from. Each method is one system
 * call (or the closest equivalent), does exactly what its name says and reports failures as an
 * {@link ErrnoException} carrying the POSIX error. Implementations must not retry, wait, follow
 * a policy or log: deciding <em>how to lock</em> is the core's job.
 *
 * <p>All paths are absolute. Implementations must be safe for concurrent use by several threads.
 * The compatibility kit ({@code lock-tck}, rule group {@code SPI}) checks each contract below.
 */
public interface FileOps {

    /**
     * Creates a new regular file exclusively ({@code O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC}, not
     * following a symbolic link at {@code path}), writes {@code content}, and closes it.
     * {@code permissions} is masked by the process umask, as {@code open(2)} does.
     *
     * @param path        the file to create
     * @param permissions the permission bits, for example {@code 0666}
     * @param content     bytes to write before closing; may be empty
     * @throws ErrnoException {@code EEXIST} when anything exists at {@code path}, or any other
     *     error of {@code open(2)} or {@code write(2)}; when writing fails the file is removed
     */
    void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException;

    /**
     * {@code link(2)}: makes {@code newName} a second name of {@code existing}.
     *
     * @param existing the existing file
     * @param newName  the name to create
     * @return {@code true} when linked; {@code false} when {@code newName} already exists
     *     ({@code EEXIST}), whatever it is (file, directory, symbolic link, dangling link)
     * @throws ErrnoException for any other error
     */
    boolean link(Path existing, Path newName) throws ErrnoException;

    /**
     * {@code unlink(2)}: removes a name that is not a directory.
     *
     * @param path the name to remove
     * @throws ErrnoException for example {@code ENOENT} or {@code EISDIR}
     */
    void unlink(Path path) throws ErrnoException;

    /**
     * {@code rename(2)}: atomically renames {@code from} to {@code to}, replacing {@code to}.
     *
     * @param from the existing name
     * @param to   the new name
     * @throws ErrnoException for any error
     */
    void rename(Path from, Path to) throws ErrnoException;

    /**
     * {@code lstat(2)}: the status of a name, not following a final symbolic link.
     *
     * @param path the name
     * @return the status, or empty when nothing has that name ({@code ENOENT})
     * @throws ErrnoException for any other error (for example {@code ENOTDIR},
     *     {@code ENAMETOOLONG}, {@code EACCES})
     */
    Optional<FileStat> lstat(Path path) throws ErrnoException;

    /**
     * {@code stat(2)}: the status of a name, following symbolic links.
     *
     * @param path the name
     * @return the status, or empty when nothing has that name or a link dangles ({@code ENOENT})
     * @throws ErrnoException for any other error
     */
    Optional<FileStat> stat(Path path) throws ErrnoException;

    /**
     * Reads at most {@code maxBytes} from the start of a regular file, without following a
     * symbolic link at {@code path} ({@code O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC}). The core
     * uses it for the owner record inside {@code .lock}. It must not block (a FIFO or device
     * put in place of the file is refused with {@code ENXIO} or read without waiting) and must not
     * be cut short by the calling thread's interrupt status: a lock is released on an interrupted
     * thread too. The default uses java.nio: it refuses what {@code lstat} does not show as a
     * regular file, reads with the thread's interrupt status cleared (and restores it), and
     * unblocks itself should a FIFO be swapped in between the check and the open. Native
     * backends override it with the real flags.
     *
     * @param path     the file
     * @param maxBytes the most bytes to return
     * @return the bytes read, possibly fewer than {@code maxBytes}
     * @throws ErrnoException for example {@code ENOENT}, {@code ELOOP} for a symbolic link,
     *     {@code EISDIR}
     */
    default byte[] read(Path path, int maxBytes) throws ErrnoException {
        return DefaultRead.read(path, maxBytes);
    }

    /**
     * Reads like {@link #read(Path, int)} and tells the status of the file read. The core uses it
     * when it must prove that what it read is the inode it holds (releasing a lock file). The
     * default looks at the name with {@link #lstat(Path)} first and then reads it, two looks at
     * a name that may be replaced in between; a backend that reads through a descriptor returns
     * the status of that descriptor, which is one look and one system call less.
     *
     * @param path     the file
     * @param maxBytes the most bytes to return
     * @return the status and the bytes read
     * @throws ErrnoException as {@link #read(Path, int)}; {@code ENOENT} when nothing has the name
     */
    default FileContent readWithStatus(Path path, int maxBytes) throws ErrnoException {
        Optional<FileStat> st = lstat(path);
        if (st.isEmpty()) {
            throw new ErrnoException("lstat", path, Errno.ENOENT);
        }
        return new FileContent(st.get(), read(path, maxBytes));
    }

    /**
     * The names in a directory ({@code readdir(3)} without {@code .} and {@code ..}). The core
     * uses it to find leftover temporary files. The default uses java.nio.
     *
     * @param dir the directory
     * @return the names, in no particular order
     * @throws ErrnoException for example {@code ENOENT}, {@code ENOTDIR}, {@code EACCES}
     */
    default java.util.List<String> list(Path dir) throws ErrnoException {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toList());
        } catch (java.io.IOException e) {
            throw new ErrnoException("opendir", dir, null, Errno.fromException(e), e);
        } catch (java.io.UncheckedIOException e) {
            throw new ErrnoException("readdir", dir, null, Errno.fromException(e.getCause()), e);
        }
    }

    /**
     * Opens (creating if needed) the lock file of FLOCK mode with
     * {@code O_WRONLY|O_CREAT|O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK} and the given permissions
     * (masked by the umask). {@code O_NOFOLLOW} makes a symbolic link fail with {@code ELOOP};
     * {@code O_NONBLOCK} makes a FIFO without a reader fail with {@code ENXIO} instead of hanging.
     * The caller checks the type and link count with {@link FlockFile#fstat()}.
     *
     * <p>Only backends that declare {@link io.github.astlock.LockMode#FLOCK} implement this; the
     * default throws {@link UnsupportedOperationException}.
     *
     * @param path        the lock file
     * @param permissions permission bits for a new file, for example {@code 0600}
     * @return the open descriptor
     * @throws ErrnoException for any error of {@code open(2)}
     */
    default FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
        throw new UnsupportedOperationException("this backend does not implement flock(2)");
    }

    /**
     * Opens a directory so that its own descriptor can carry a {@code flock(2)} lock
     * ({@code O_RDONLY|O_DIRECTORY|O_CLOEXEC}; a symbolic link to a directory is followed, as
     * every other use of the folder's name follows it; running as root, the core then checks
     * which directory was opened, see {@link FlockFile#descriptorPath()}). The lock protocols take an exclusive
     * {@code flock(2)} on it before Asterisk's own lock and let it go after: Asterisk never
     * opens, locks or unlinks a directory, so this lock excludes astlock users of one host from
     * each other whatever Asterisk removes.
     *
     * <p>Only backends whose provider reports
     * {@link LockBackendProvider#supportsDirectoryLock()} implement this; the default throws
     * {@link UnsupportedOperationException}.
     *
     * @param dir the directory
     * @return the open descriptor; {@link FlockFile#tryLockExclusive()} locks the directory
     * @throws ErrnoException for any error of {@code open(2)}, for example {@code ENOTDIR} or
     *     {@code ENOENT}
     */
    default FlockFile openDirectoryForFlock(Path dir) throws ErrnoException {
        throw new UnsupportedOperationException("this backend cannot lock a directory descriptor");
    }

    /**
     * Starts a watch that wakes the calling thread when a lock file name of {@code dir}
     * ({@code .lock} or {@code lock}) is removed or changed, for the thread's wait for the folder's
     * lock (see {@link ReleaseWatch}). Optional: the default returns empty, and the core then
     * learns of releases through the JDK's {@code WatchService}, with a short safety pause.
     * Linux backends that call the C library implement it with {@link InotifyWatch}. Unlike the
     * other primitives this one is several system calls (an inotify descriptor, its watch, an
     * eventfd); they are opened and closed as one.
     *
     * @param dir the folder
     * @return the watch, owned by the calling thread; empty when this backend has none
     * @throws ErrnoException when the watch cannot be made (for example {@code ENOSPC} or
     *     {@code EMFILE} at the inotify limits); nothing is left open then, and the core falls
     *     back as for an empty result
     */
    default java.util.Optional<ReleaseWatch> watchForRelease(Path dir) throws ErrnoException {
        return java.util.Optional.empty();
    }

    /**
     * Gives {@code file} the owner and group of {@code like}, without following a symbolic link
     * at {@code file} ({@code lchown(2)}); {@code like} is followed. The protocols call it only
     * when running as root, so the lock files they create belong to the directory's owner. The
     * default uses java.nio's {@code unix} attribute view.
     *
     * @param file the file to change
     * @param like the file whose owner and group are copied, normally the directory
     * @throws ErrnoException for example {@code EPERM} or {@code ENOENT}
     */
    default void chownLike(Path file, Path like) throws ErrnoException {
        try {
            Object uid = java.nio.file.Files.getAttribute(like, "unix:uid");
            Object gid = java.nio.file.Files.getAttribute(like, "unix:gid");
            java.nio.file.Files.setAttribute(file, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            java.nio.file.Files.setAttribute(file, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.io.IOException e) {
            throw new ErrnoException("chown", file, like, Errno.fromException(e), e);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new ErrnoException("chown", file, like, Errno.ENOSYS, e);
        }
    }
}
