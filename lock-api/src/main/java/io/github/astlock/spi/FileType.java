package io.github.astlock.spi;

/** The type of a file system entry, from the {@code S_IFMT} bits of its mode. */
public enum FileType {
    /** A regular file. */
    REGULAR,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link (only seen through {@code lstat}). */
    SYMLINK,
    /** A named pipe. */
    FIFO,
    /** A socket, device or anything else. */
    OTHER;

    /**
     * The type for a raw {@code st_mode} value.
     *
     * @param mode the mode including the {@code S_IFMT} bits
     * @return the type
     */
    public static FileType ofMode(int mode) {
        switch (mode & 0170000) {
            case 0100000: return REGULAR;
            case 0040000: return DIRECTORY;
            case 0120000: return SYMLINK;
            case 0010000: return FIFO;
            default: return OTHER;
        }
    }
}
