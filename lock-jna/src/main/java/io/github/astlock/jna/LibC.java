package io.github.astlock.jna;

/**
 * The C library functions the backend calls, as a plain Java interface so the operations can be
 * tested against a fault-injecting implementation. The real one is {@link JnaLibC}.
 *
 * <p>Every function returns {@code -1} on failure and leaves the error in {@code errno}, which
 * JNA saves on the calling thread right after the native call; the caller reads it with
 * {@link com.sun.jna.Native#getLastError()}, and only after a failed return (a successful call
 * may leave a stale value). No JNA declaration uses {@code throws LastErrorException}: JNA
 * would then throw whenever {@code errno} is non-zero, even after a successful call.
 *
 * <p>Only 64-bit Linux is supported, so {@code size_t}/{@code ssize_t} are Java {@code long}.
 * Path arguments are Java strings, which JNA encodes with its string encoding
 * ({@code jna.encoding}, by default the platform's native encoding) and terminates with NUL.
 */
interface LibC {

    /**
     * {@code int openat(int dirfd, const char *path, int flags, mode_t mode)}.
     *
     * @param dirfd the directory {@code path} is looked up from, or {@code AT_FDCWD}
     * @param path  the path
     * @param flags the {@code O_*} flags
     * @param mode  the permission bits of a created file
     * @return the descriptor, or {@code -1}
     */
    int openat(int dirfd, String path, int flags, int mode);

    /**
     * {@code int close(int fd)}. On Linux the descriptor is released even when it fails.
     *
     * @param fd the descriptor
     * @return {@code 0} or {@code -1}
     */
    int close(int fd);

    /**
     * {@code ssize_t write(int fd, const void *buf, size_t count)}.
     *
     * @param fd    the descriptor
     * @param buf   the bytes, from index 0
     * @param count how many bytes of {@code buf} to write
     * @return the number written, or {@code -1}
     */
    long write(int fd, byte[] buf, long count);

    /**
     * {@code int linkat(int olddirfd, const char *existing, int newdirfd, const char *newName, int flags)}.
     *
     * @param existingDir the directory {@code existing} is looked up from, or {@code AT_FDCWD}
     * @param existing    the existing name
     * @param newDir      the directory {@code newName} is made in, or {@code AT_FDCWD}
     * @param newName     the new name
     * @param flags       {@code 0}: a symbolic link is linked itself, not followed
     * @return {@code 0} or {@code -1}
     */
    int linkat(int existingDir, String existing, int newDir, String newName, int flags);

    /**
     * {@code int unlinkat(int dirfd, const char *path, int flags)}.
     *
     * @param dirfd the directory {@code path} is looked up from, or {@code AT_FDCWD}
     * @param path  the name
     * @param flags {@code 0}: never a directory
     * @return {@code 0} or {@code -1}
     */
    int unlinkat(int dirfd, String path, int flags);

    /**
     * {@code int renameat(int olddirfd, const char *from, int newdirfd, const char *to)}.
     *
     * @param fromDir the directory {@code from} is looked up from, or {@code AT_FDCWD}
     * @param from    the old name
     * @param toDir   the directory {@code to} is looked up from, or {@code AT_FDCWD}
     * @param to      the new name
     * @return {@code 0} or {@code -1}
     */
    int renameat(int fromDir, String from, int toDir, String to);

    /**
     * {@code int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf)}
     * (glibc 2.28 and later).
     *
     * @param dirfd a descriptor, or {@code AT_FDCWD}
     * @param path  the path; empty with {@code AT_EMPTY_PATH}
     * @param flags {@code AT_*} flags
     * @param mask  the {@code STATX_*} fields wanted
     * @param buf   {@link Statx#SIZE} bytes receiving {@code struct statx}
     * @return {@code 0} or {@code -1}
     */
    int statx(int dirfd, String path, int flags, int mask, byte[] buf);

    /**
     * {@code int flock(int fd, int operation)}.
     *
     * @param fd        the descriptor
     * @param operation {@code LOCK_*} bits
     * @return {@code 0} or {@code -1}
     */
    int flock(int fd, int operation);

    /**
     * {@code read(2)}.
     *
     * @param fd    the descriptor
     * @param buf   the buffer
     * @param count the most bytes to read
     * @return the bytes read, 0 at end of file, -1 on error
     */
    long read(int fd, byte[] buf, long count);
}
