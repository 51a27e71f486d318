package io.github.astlock.spi;

/**
 * A path as the {@code *at} system calls take it ({@code openat}, {@code linkat},
 * {@code unlinkat}, {@code renameat}, {@code statx}): a directory descriptor and a name looked
 * up from it. The core reaches the files of a locked folder through names under the folder's
 * descriptor path, {@code /proc/self/fd/N/NAME} (see {@link FlockFile#descriptorPath()}). The
 * kernel resolves such a name to {@code NAME} in the directory open as descriptor {@code N} of
 * this process, which is exactly what {@code *at(N, "NAME")} looks up, but it first walks
 * {@code /proc} and the descriptor's link for every call: in a virtual machine that costs about
 * as much again as the call itself. A native backend passes such a path as descriptor and name
 * instead; any other path is passed whole, relative to {@link #AT_FDCWD}.
 *
 * @param dirfd the directory descriptor, or {@link #AT_FDCWD}
 * @param name  the name looked up from it: one file name under a descriptor, else the whole path
 */
public record AtPath(int dirfd, String name) {
    /** {@code AT_FDCWD}: a path resolved as usual (a relative one from the working directory). */
    public static final int AT_FDCWD = -100;

    /** What a descriptor path starts with; see {@link DescriptorFlockFile#descriptorPath()}. */
    static final String DESCRIPTOR_PREFIX = "/proc/self/fd/";

    /**
     * Splits the text of a path (as checked by {@link NativePath#text}) for an {@code *at} call.
     *
     * @param text the path's text
     * @return the descriptor and the single name under it for {@code /proc/self/fd/N/NAME};
     *     {@link #AT_FDCWD} and the whole text for anything else
     */
    public static AtPath of(String text) {
        if (!text.startsWith(DESCRIPTOR_PREFIX)) {
            return new AtPath(AT_FDCWD, text);
        }
        int start = DESCRIPTOR_PREFIX.length();
        int slash = text.indexOf('/', start);
        // N: one to nine digits (no sign, never AT_FDCWD); NAME: one component, nothing after it
        if (slash <= start || slash - start > 9 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            return new AtPath(AT_FDCWD, text);
        }
        int fd = 0;
        for (int i = start; i < slash; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return new AtPath(AT_FDCWD, text);
            }
            fd = fd * 10 + (c - '0');
        }
        return new AtPath(fd, text.substring(slash + 1));
    }
}
