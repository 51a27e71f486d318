package io.github.astlock.jnr.calls;

import jnr.ffi.LibraryLoader;

/**
 * The {@code *at} system calls, which jnr-posix does not bind, bound to the C library with
 * jnr-ffi. With them a name under a locked folder's descriptor path is looked up from the
 * descriptor itself (see {@link io.github.astlock.spi.AtPath}) instead of through {@code /proc}
 * on every call. jnr-ffi saves {@code errno} after these calls in the same per-thread place as
 * after jnr-posix's, so {@link jnr.posix.POSIX#errno()} reads it.
 *
 * <p>{@code openat} is variadic in C; its mode is declared as a fourth fixed {@code int}, which
 * every architecture this backend runs on passes in the same register either way, and which the
 * C library reads only when a file is created.
 *
 * <p>Not an API: public, in a package of its own that the module exports, only because jnr-ffi
 * implements it in a class it generates outside this module, which must see the interface (on
 * the module path a package that is not exported stops it). Where jnr-ffi still cannot implement
 * it, {@link #load()} gives {@code null} and the backend names files by their paths.
 */
public interface JnrAtCalls {
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
     * {@code int linkat(int olddirfd, const char *existing, int newdirfd, const char *newName, int flags)}.
     *
     * @param existingDir the directory {@code existing} is looked up from, or {@code AT_FDCWD}
     * @param existing    the existing name
     * @param newDir      the directory {@code newName} is made in, or {@code AT_FDCWD}
     * @param newName     the new name
     * @param flags       {@code 0}: a symbolic link is linked itself, as {@code link(2)} does on Linux
     * @return {@code 0} or {@code -1}
     */
    int linkat(int existingDir, String existing, int newDir, String newName, int flags);

    /**
     * {@code int unlinkat(int dirfd, const char *path, int flags)}.
     *
     * @param dirfd the directory {@code path} is looked up from, or {@code AT_FDCWD}
     * @param path  the name
     * @param flags {@code 0}: never a directory, as {@code unlink(2)}
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
     * Binds the calls, or gives {@code null} when jnr-ffi cannot.
     *
     * @return the bound calls, or {@code null}
     */
    static JnrAtCalls load() {
        try {
            return LibraryLoader.create(JnrAtCalls.class).failImmediately().load("c");
        } catch (Throwable t) {
            return null;
        }
    }
}
