package io.github.astlock.voicemail;

import io.github.astlock.spi.ErrnoException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The file operations the voicemail code is built from. One implementation works on the real
 * file system; tests wrap it to fail at a chosen step.
 */
interface SpoolFs {

    /** Status of a name (not following a final symbolic link). */
    record Attrs(boolean directory, boolean regular, long size, long mtimeNanos, Object key) {
    }

    /** The names in a directory. */
    List<String> list(Path dir) throws ErrnoException;

    /** The status, empty when nothing has that name. */
    Optional<Attrs> stat(Path path) throws ErrnoException;

    /** The whole content of a file. */
    byte[] read(Path path) throws ErrnoException;

    /** Creates a new file (failing when the name exists), writes, flushes to disk, closes. */
    void create(Path path, byte[] content) throws ErrnoException;

    /** Creates {@code to} (failing when it exists) with the content of {@code from}, flushed to disk. */
    void copy(Path from, Path to) throws ErrnoException;

    /** {@code rename(2)}. */
    void rename(Path from, Path to) throws ErrnoException;

    /** {@code unlink(2)}. */
    void unlink(Path path) throws ErrnoException;

    /** {@code mkdir(2)} with {@code 0777} masked by the umask; an existing directory is fine. */
    void mkdir(Path dir) throws ErrnoException;

    /** {@code chmod(2)}. */
    void chmod(Path path, int mode) throws ErrnoException;

    /** Flushes a directory's entries to disk. */
    void syncDir(Path dir) throws ErrnoException;
}
