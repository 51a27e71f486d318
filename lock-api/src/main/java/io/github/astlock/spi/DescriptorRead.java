package io.github.astlock.spi;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A {@link FileOps#read(Path, int)} for backends that call the C library directly: opens the
 * file, refuses anything but a regular file, reads until {@code maxBytes} or end of file
 * (retrying reads interrupted by a signal) and always closes the descriptor. The size reported
 * by {@code fstat} counts as the end of the file when it is reached, which saves the final
 * {@code read} that would return nothing; a file that reports size 0 is read until a
 * {@code read} returns nothing. A backend only supplies its four system calls as a
 * {@link Calls}.
 */
public final class DescriptorRead {
    private DescriptorRead() {
    }

    /**
     * The four system calls a descriptor read needs, as a backend maps them.
     */
    public interface Calls {
        /**
         * {@code open(2)} for reading, not following a symbolic link.
         *
         * @param path the file to open
         * @return the new descriptor
         * @throws ErrnoException when the open fails
         */
        int open(Path path) throws ErrnoException;

        /**
         * {@code fstat(2)}.
         *
         * @param fd   the descriptor
         * @param path the file's name, for the error message
         * @return the file's status
         * @throws ErrnoException when the call fails
         */
        FileStat fstat(int fd, Path path) throws ErrnoException;

        /**
         * {@code read(2)} into the whole of {@code buf}.
         *
         * @param fd   the descriptor
         * @param buf  where to put the bytes; up to its length is read
         * @param path the file's name, for the error message
         * @return the number of bytes read, {@code 0} at end of file, or a negative number when
         *         the call was interrupted by a signal ({@code EINTR}) and should be repeated
         * @throws ErrnoException for any other failure
         */
        long read(int fd, byte[] buf, Path path) throws ErrnoException;

        /**
         * {@code close(2)}; an error is ignored, the descriptor is released anyway.
         *
         * @param fd   the descriptor
         * @param path the file's name
         */
        void close(int fd, Path path);
    }

    /**
     * Reads up to {@code maxBytes} from the start of a regular file.
     *
     * @param path     the file
     * @param maxBytes the most bytes to return
     * @param calls    the backend's system calls
     * @return the bytes read, at most {@code maxBytes}
     * @throws ErrnoException when a call fails, {@code EISDIR} for a directory, or ({@code ENXIO})
     *                        when the file is anything else but a regular file
     */
    public static byte[] read(Path path, int maxBytes, Calls calls) throws ErrnoException {
        return readWithStatus(path, maxBytes, calls).bytes();
    }

    /**
     * Reads as {@link #read(Path, int, Calls)} and returns the status of the descriptor read
     * from with the bytes: a {@link FileOps#readWithStatus(Path, int)} in one look at the name.
     *
     * @param path     the file
     * @param maxBytes the most bytes to return
     * @param calls    the backend's system calls
     * @return the file's status and the bytes read
     * @throws ErrnoException as {@link #read(Path, int, Calls)}
     */
    public static FileContent readWithStatus(Path path, int maxBytes, Calls calls) throws ErrnoException {
        int fd = calls.open(path);
        try {
            FileStat st = calls.fstat(fd, path);
            if (st.type() == FileType.DIRECTORY) {
                throw new ErrnoException("read", path, Errno.EISDIR); // what read(2) itself would say
            }
            if (st.type() != FileType.REGULAR) {
                throw new ErrnoException("read", path, null, new Errno(Errno.ENXIO.name(), Errno.ENXIO.number(),
                        "not a regular file but a " + st.type().name().toLowerCase(Locale.ROOT)), null);
            }
            // The buffer is only as large as the file (an owner record is a few hundred bytes):
            // a binding copies the whole array into native memory and back on every read.
            int known = (int) (st.size() > 0 ? Math.min(st.size(), maxBytes) : maxBytes);
            byte[] buf = new byte[known];
            int done = 0;
            while (done < known) {
                byte[] chunk = done == 0 ? buf : new byte[known - done];
                long n = calls.read(fd, chunk, path);
                if (n < 0) {
                    continue;
                }
                if (n == 0) {
                    break;
                }
                if (done > 0) {
                    System.arraycopy(chunk, 0, buf, done, (int) n);
                }
                done += (int) n;
            }
            return new FileContent(st, done == known ? buf : Arrays.copyOf(buf, done));
        } finally {
            calls.close(fd, path);
        }
    }
}
