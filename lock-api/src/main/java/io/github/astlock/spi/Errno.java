package io.github.astlock.spi;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A POSIX error number with its symbolic name, as reported by a backend.
 *
 * <p>The numbers are Linux's generic values (x86-64, AArch64, RISC-V and most other
 * architectures; not Alpha, MIPS, SPARC or PA-RISC). Backends that call the C library map the
 * raw {@code errno} with {@link #of(int)}; backends that only see Java exceptions map the
 * C library's message with {@link #fromMessage(String)}. The core turns these into the public
 * exception types, so a backend never decides what an error <em>means</em>.
 *
 * @param name   the symbolic name, for example {@code EEXIST}; {@code E<number>} when unknown
 * @param number the Linux error number, or {@code 0} when only a name or message was known
 * @param message the C library's description, for example {@code File exists}
 */
public record Errno(String name, int number, String message) {

    private static final Map<Integer, Errno> BY_NUMBER = new HashMap<>();
    private static final Map<String, Errno> BY_NAME = new HashMap<>();

    /** Operation not permitted. */
    public static final Errno EPERM = def("EPERM", 1, "Operation not permitted");
    /** No such file or directory. */
    public static final Errno ENOENT = def("ENOENT", 2, "No such file or directory");
    /** Interrupted system call. */
    public static final Errno EINTR = def("EINTR", 4, "Interrupted system call");
    /** Input/output error. */
    public static final Errno EIO = def("EIO", 5, "Input/output error");
    /** No such device or address (also: a FIFO opened for writing without a reader). */
    public static final Errno ENXIO = def("ENXIO", 6, "No such device or address");
    /** Bad file descriptor. */
    public static final Errno EBADF = def("EBADF", 9, "Bad file descriptor");
    /** Resource temporarily unavailable; {@code EWOULDBLOCK} has the same value on Linux. */
    public static final Errno EAGAIN = def("EAGAIN", 11, "Resource temporarily unavailable");
    /** Cannot allocate memory. */
    public static final Errno ENOMEM = def("ENOMEM", 12, "Cannot allocate memory");
    /** Permission denied. */
    public static final Errno EACCES = def("EACCES", 13, "Permission denied");
    /** Device or resource busy. */
    public static final Errno EBUSY = def("EBUSY", 16, "Device or resource busy");
    /** File exists. */
    public static final Errno EEXIST = def("EEXIST", 17, "File exists");
    /** Invalid cross-device link. */
    public static final Errno EXDEV = def("EXDEV", 18, "Invalid cross-device link");
    /** Not a directory. */
    public static final Errno ENOTDIR = def("ENOTDIR", 20, "Not a directory");
    /** Is a directory. */
    public static final Errno EISDIR = def("EISDIR", 21, "Is a directory");
    /** Invalid argument. */
    public static final Errno EINVAL = def("EINVAL", 22, "Invalid argument");
    /** Too many open files in system. */
    public static final Errno ENFILE = def("ENFILE", 23, "Too many open files in system");
    /** Too many open files. */
    public static final Errno EMFILE = def("EMFILE", 24, "Too many open files");
    /** Text file busy. */
    public static final Errno ETXTBSY = def("ETXTBSY", 26, "Text file busy");
    /** File too large. */
    public static final Errno EFBIG = def("EFBIG", 27, "File too large");
    /** No space left on device. */
    public static final Errno ENOSPC = def("ENOSPC", 28, "No space left on device");
    /** Read-only file system. */
    public static final Errno EROFS = def("EROFS", 30, "Read-only file system");
    /** Too many links. */
    public static final Errno EMLINK = def("EMLINK", 31, "Too many links");
    /** File name too long. */
    public static final Errno ENAMETOOLONG = def("ENAMETOOLONG", 36, "File name too long");
    /** No locks available. */
    public static final Errno ENOLCK = def("ENOLCK", 37, "No locks available");
    /** Function not implemented. */
    public static final Errno ENOSYS = def("ENOSYS", 38, "Function not implemented");
    /** Too many levels of symbolic links (also: {@code O_NOFOLLOW} met a symbolic link). */
    public static final Errno ELOOP = def("ELOOP", 40, "Too many levels of symbolic links");
    /** Operation not supported. */
    public static final Errno EOPNOTSUPP = def("EOPNOTSUPP", 95, "Operation not supported");
    /** Stale file handle (NFS). */
    public static final Errno ESTALE = def("ESTALE", 116, "Stale file handle");
    /** Disk quota exceeded. */
    public static final Errno EDQUOT = def("EDQUOT", 122, "Disk quota exceeded");

    /**
     * Validates the components.
     *
     * @param name    the symbolic name
     * @param number  the Linux error number, or 0
     * @param message the description
     */
    public Errno {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(message, "message");
    }

    private static Errno def(String name, int number, String message) {
        Errno e = new Errno(name, number, message);
        BY_NUMBER.put(number, e);
        BY_NAME.put(name, e);
        return e;
    }

    /**
     * The error for a raw Linux {@code errno} value.
     *
     * @param number the value of {@code errno}
     * @return the known error, or one named {@code E<number>} when the value is not in the table
     */
    public static Errno of(int number) {
        Errno e = BY_NUMBER.get(number);
        return e != null ? e : new Errno("E" + number, number, "error " + number);
    }

    /**
     * The error with a symbolic name, for example {@code "EWOULDBLOCK"} (an alias of
     * {@code EAGAIN}).
     *
     * @param name the symbolic name, case-insensitive
     * @return the error, or an error with number 0 when the name is unknown
     */
    public static Errno named(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.equals("EWOULDBLOCK")) {
            return EAGAIN;
        }
        if (n.equals("ENOTSUP")) {
            return EOPNOTSUPP;
        }
        Errno e = BY_NAME.get(n);
        return e != null ? e : new Errno(n, 0, n);
    }

    /**
     * Recovers the error from the C library's message text, as java.nio reports it in
     * {@link java.nio.file.FileSystemException#getReason()}.
     *
     * @param message the reason text; may be {@code null}
     * @return the error whose description starts the text, or {@link #EIO} with the text kept as
     *     its message when nothing matches
     */
    public static Errno fromMessage(String message) {
        if (message != null) {
            for (Errno e : BY_NUMBER.values()) {
                if (message.startsWith(e.message)) {
                    return e;
                }
            }
        }
        return new Errno("EIO", EIO.number, message == null ? "unknown error" : message);
    }

    /**
     * Recovers the error behind a java.nio exception: the JDK reports {@code EEXIST},
     * {@code ENOENT}, {@code EACCES} and {@code ENOTDIR} as dedicated exception types and every
     * other error with the C library's text as the {@link java.nio.file.FileSystemException#getReason() reason}.
     *
     * @param e the exception thrown by a {@link java.nio.file.Files} method
     * @return the error
     */
    public static Errno fromException(Exception e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return EEXIST;
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return ENOENT;
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return EACCES;
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return ENOTDIR; // thrown without a reason text, for example by Files.list on a file
        }
        if (e instanceof java.nio.file.FileSystemException) {
            return fromMessage(((java.nio.file.FileSystemException) e).getReason());
        }
        if (e instanceof UnsupportedOperationException) {
            return EOPNOTSUPP;
        }
        return fromMessage(e.getMessage());
    }

    /** The symbolic name followed by the description, for example {@code EEXIST (File exists)}. */
    @Override
    public String toString() {
        return name + " (" + message + ")";
    }

    /**
     * Whether this error is the same as another, comparing the symbolic names only.
     *
     * @param other the other error
     * @return {@code true} when both have the same name
     */
    public boolean is(Errno other) {
        return name.equals(other.name);
    }
}
