package io.github.astlock.jnr.calls;

/**
 * The C functions of the backend's inotify watch, as jnr-ffi binds them. Not an API: public, in
 * a package the module exports, only because jnr-ffi implements it in a class it generates
 * outside this module (see {@link JnrAtCalls}).
 */
public interface JnrWatchNatives {
    /**
     * {@code int inotify_init1(int flags)}.
     *
     * @param flags {@code IN_NONBLOCK | IN_CLOEXEC}
     * @return the descriptor, or {@code -1}
     */
    int inotify_init1(int flags);

    /**
     * {@code int inotify_add_watch(int fd, const char *path, uint32_t mask)}.
     *
     * @param fd   the inotify descriptor
     * @param path the folder
     * @param mask the events
     * @return the watch descriptor, or {@code -1}
     */
    int inotify_add_watch(int fd, String path, int mask);

    /**
     * {@code int inotify_rm_watch(int fd, int wd)}.
     *
     * @param fd the inotify descriptor
     * @param wd the watch descriptor
     * @return {@code 0} or {@code -1}
     */
    int inotify_rm_watch(int fd, int wd);

    /**
     * {@code int eventfd(unsigned int initval, int flags)}.
     *
     * @param initval the counter's first value
     * @param flags   {@code EFD_NONBLOCK | EFD_CLOEXEC}
     * @return the descriptor, or {@code -1}
     */
    int eventfd(int initval, int flags);

    /**
     * {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}.
     *
     * @param fds     the {@code struct pollfd} array, filled in
     * @param nfds    how many
     * @param timeout milliseconds
     * @return how many are ready, {@code 0} on timeout, or {@code -1}
     */
    int poll(byte[] fds, long nfds, int timeout);

    /**
     * {@code ssize_t read(int fd, void *buf, size_t count)}.
     *
     * @param fd    the descriptor
     * @param buf   the buffer
     * @param count its length
     * @return bytes read, or {@code -1}
     */
    long read(int fd, byte[] buf, long count);

    /**
     * {@code ssize_t write(int fd, const void *buf, size_t count)}.
     *
     * @param fd    the descriptor
     * @param buf   the bytes
     * @param count how many
     * @return bytes written, or {@code -1}
     */
    long write(int fd, byte[] buf, long count);

    /**
     * {@code int close(int fd)}.
     *
     * @param fd the descriptor
     * @return {@code 0} or {@code -1}
     */
    int close(int fd);

    /**
     * {@code int statfs(const char *path, struct statfs *buf)}.
     *
     * @param path the folder
     * @param buf  receives {@code struct statfs}
     * @return {@code 0} or {@code -1}
     */
    int statfs(String path, byte[] buf);
}
