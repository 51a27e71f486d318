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
     * uses it for the owner record inside {@code .lock}. The default uses java.nio, which is
     * exact for this call; backends may override it.
     *
     * @param path     the file
     * @param maxBytes the most bytes to return
     * @return the bytes read, possibly fewer than {@code maxBytes}
     * @throws ErrnoException for example {@code ENOENT}, {@code ELOOP} for a symbolic link,
     *     {@code EISDIR}
     */
    default byte[] read(Path path, int maxBytes) throws ErrnoException {
        try (java.nio.channels.SeekableByteChannel ch = java.nio.file.Files.newByteChannel(path,
                java.util.Set.of(java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(maxBytes);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // keep reading until full or end of file
            }
            return java.util.Arrays.copyOf(buf.array(), buf.position());
        } catch (java.io.IOException e) {
            throw new ErrnoException("read", path, null, Errno.fromException(e), e);
        }
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
}
