package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.LockPathException;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * What a process running as root follows on the way to a folder. Whoever owns a spool directory
 * can swap a folder (or a parent) for a symbolic link at any moment; root would then create and
 * remove lock files wherever the link points. So, as root, a symbolic link on the folder's path
 * is followed only when root owns it (a link owned by anyone else is refused), and the directory
 * actually opened must be, after the opening, the one the path leads to by that rule. The
 * protocols then reach the folder's files through that open descriptor only (see
 * {@link FolderBoundOps}), so a swap after the check redirects nothing. Other users follow
 * symbolic links as Asterisk does.
 */
public final class RootFolderCheck {
    private static final int MAX_LINKS = 40;

    private RootFolderCheck() {
    }

    /**
     * For a backend that cannot reach a folder through a descriptor: as root, refuses a folder
     * whose path passes through a symbolic link not owned by root. Checked once, before
     * locking; does nothing for other users.
     *
     * @param ops    the backend primitives
     * @param folder an absolute path
     * @param mode   the mode, for the error
     * @throws LockException a {@link LockPathException} as {@link #resolveTrusted}
     */
    public static void checkPath(FileOps ops, Path folder, LockMode mode) throws LockException {
        if (Ownership.isRoot()) {
            resolveTrusted(ops, folder, mode);
        }
    }

    /**
     * The real path {@code folder} leads to, following only symbolic links owned by root.
     *
     * @param ops    the backend primitives
     * @param folder an absolute path
     * @param mode   the mode, for the error
     * @return the path with every symbolic link replaced by its target
     * @throws LockException a {@link LockPathException} ({@code ELOOP}) naming the link that is
     *     not root's, or the error of a component that cannot be inspected
     */
    static Path resolveTrusted(FileOps ops, Path folder, LockMode mode) throws LockException {
        Deque<Path> todo = new ArrayDeque<>();
        folder.forEach(todo::add);
        Path at = folder.getRoot();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.removeFirst().toString();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                at = at.getParent() != null ? at.getParent() : at;
                continue;
            }
            Path next = at.resolve(name);
            Optional<FileStat> st;
            try {
                st = ops.lstat(next);
            } catch (ErrnoException e) {
                throw Errors.map(folder, mode, Errors.Step.DIRECTORY, e);
            }
            if (st.isEmpty()) {
                // Missing: nothing to follow; the lock attempt reports the missing folder itself.
                Path rest = next;
                for (Path p : todo) {
                    rest = rest.resolve(p);
                }
                return rest;
            }
            if (st.get().type() != FileType.SYMLINK) {
                at = next;
                continue;
            }
            if (st.get().uid() != 0) {
                throw new LockPathException(folder, mode, next + " is a symbolic link owned by user id " + st.get().uid()
                        + "; running as root, astlock follows only symbolic links owned by root, so that whoever "
                        + "owns the spool cannot point root at another directory: " + Errno.ELOOP, Errno.ELOOP, null);
            }
            if (++links > MAX_LINKS) {
                throw new LockPathException(folder, mode, "too many symbolic links: " + Errno.ELOOP, Errno.ELOOP, null);
            }
            Path target;
            try {
                target = Files.readSymbolicLink(next);
            } catch (IOException e) {
                throw new LockPathException(folder, mode, "cannot read the symbolic link " + next + ": " + e,
                        Errno.fromException(e), e);
            }
            Deque<Path> rest = new ArrayDeque<>();
            target.forEach(rest::add);
            rest.descendingIterator().forEachRemaining(todo::addFirst);
            if (target.isAbsolute()) {
                at = target.getRoot();
            }
        }
        return at;
    }

    /**
     * Whether the kernel names the directory open as {@code descriptorPath} by exactly the
     * folder's own, normalized path right now: one {@code readlink(2)}. The kernel builds that
     * name from the directory entries that lead to the opened directory, so when it is the
     * folder's path, each component of the path is a real directory on the way to it: no
     * symbolic link can have been followed, and looking the folder up now leads to that same
     * directory (a file system mounted over one of them later, which only root can do, aside).
     * A directory that was moved, replaced or removed is named otherwise ({@code (deleted)}
     * is appended to a removed one's name).
     *
     * @param folder         the folder's path as given
     * @param descriptorPath the open directory's {@code /proc/self/fd/N}
     * @return {@code true} when proven; {@code false} when not proven (other name, or the
     *     link cannot be read), which {@link #verifyOpened} then decides
     */
    static boolean namedByKernel(Path folder, Path descriptorPath) {
        if (!folder.equals(folder.normalize())) {
            return false;
        }
        try {
            return Files.readSymbolicLink(descriptorPath).equals(folder);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks that the directory opened as {@code folder} is the one {@link #resolveTrusted} leads
     * to now. When the kernel names the opened directory by exactly the folder's own (normalized)
     * path, every component of that path is a real directory leading to it, so no link can have
     * been followed and the walk of {@link #resolveTrusted} (one {@code lstat} per component) is
     * skipped: it would return the same path.
     *
     * @param ops            the backend primitives
     * @param folder         the folder's path as given
     * @param descriptorPath the open directory's {@code /proc/self/fd/N}
     * @param mode           the mode, for the error
     * @throws LockException a {@link LockPathException} when a link is not root's or the folder
     *     was replaced while it was being opened
     */
    static void verifyOpened(FileOps ops, Path folder, Path descriptorPath, LockMode mode) throws LockException {
        Path opened;
        try {
            opened = Files.readSymbolicLink(descriptorPath);
        } catch (IOException e) {
            throw new LockPathException(folder, mode, "cannot tell which directory was opened (" + descriptorPath
                    + "): " + e, Errno.fromException(e), e);
        }
        if (opened.equals(folder) && folder.equals(folder.normalize())) {
            return;
        }
        Path expected = resolveTrusted(ops, folder, mode);
        if (!opened.equals(expected)) {
            throw new LockPathException(folder, mode, "the folder was replaced while it was opened: the directory "
                    + "opened is " + opened + ", but the name now leads to " + expected
                    + "; running as root, astlock does not lock a directory it was led to by a swap: " + Errno.ELOOP,
                    Errno.ELOOP, null);
        }
    }
}
