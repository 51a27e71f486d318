package io.github.astlock.testing;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.FlockFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * An in-memory file system implementing the SPI primitives with POSIX semantics (names, inodes,
 * link counts, flock per open description), plus hooks that inject the faults the protocols
 * must survive.
 */
public final class FakeFileOps implements FileOps {
    /** An inode. */
    public static final class Inode {
        final long ino;
        final FileType type;
        long nlink;
        byte[] content = new byte[0];
        volatile Object flockOwner;
        /** Like a real inode's modification time, kept from its creation (rename keeps it). */
        final long mtimeNanos;

        Inode(long ino, FileType type) {
            this(ino, type, System.nanoTime());
        }

        Inode(long ino, FileType type, long mtimeNanos) {
            this.ino = ino;
            this.type = type;
            this.mtimeNanos = mtimeNanos;
        }
    }

    private final Map<Path, Inode> names = new HashMap<>();
    private long nextIno = 100;

    /** Counts of calls, for assertions. */
    public final AtomicInteger linkCalls = new AtomicInteger();
    /** Counts of flock attempts. */
    public final AtomicInteger flockCalls = new AtomicInteger();
    /** Counts of opens for flock. */
    public final AtomicInteger openCalls = new AtomicInteger();

    /** When set, link() performs the link but reports EEXIST (an NFS retransmission). */
    public volatile boolean linkLiesWithEexist;
    /** When set, link() fails with this error. */
    public volatile Errno linkError;
    /** When set, createExclusive() fails with this error. */
    public volatile Errno createError;
    /** When set, tryLockExclusive() fails with this error. */
    public volatile Errno flockError;
    /** Runs once right before the next rename. */
    public volatile Runnable beforeRenameOnce;
    /** Runs once right after the next successful flock, before the protocol's identity check. */
    public volatile Runnable afterFlockOnce;

    /** @param dir a directory to create */
    public synchronized void mkdir(Path dir) {
        names.put(dir, new Inode(nextIno++, FileType.DIRECTORY));
        names.get(dir).nlink = 2;
    }

    /**
     * Creates an entry of any type, as a stranger would.
     *
     * @param path the name
     * @param type its type
     */
    public synchronized void create(Path path, FileType type) {
        Inode i = new Inode(nextIno++, type);
        i.nlink = type == FileType.DIRECTORY ? 2 : 1;
        names.put(path, i);
    }

    /**
     * Adds a second name for an existing entry, as {@code ln} would.
     *
     * @param existing the existing name
     * @param other    the new name
     */
    public synchronized void hardLink(Path existing, Path other) {
        Inode i = names.get(existing);
        i.nlink++;
        names.put(other, i);
    }

    /**
     * Removes a name as a stranger would, whatever it is.
     *
     * @param path the name
     */
    public synchronized void removeName(Path path) {
        Inode i = names.remove(path);
        if (i != null) {
            i.nlink--;
        }
    }

    /**
     * Replaces a name by a new regular file, as a stranger would.
     *
     * @param path the name
     */
    public synchronized void replace(Path path) {
        removeName(path);
        create(path, FileType.REGULAR);
    }

    /** @return whether the name exists */
    public synchronized boolean exists(Path path) {
        return names.containsKey(path);
    }

    /** @param dir a directory; @return the names directly inside it, sorted */
    public synchronized List<String> list(Path dir) {
        return names.keySet().stream().filter(p -> dir.equals(p.getParent()))
                .map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }

    /**
     * Locks a file as another process would.
     *
     * @param path the file (created if missing)
     * @return the owner token; pass it to {@link #releaseForeignFlock}
     */
    public synchronized Object holdForeignFlock(Path path) {
        if (!names.containsKey(path)) {
            create(path, FileType.REGULAR);
        }
        Object owner = new Object();
        names.get(path).flockOwner = owner;
        return owner;
    }

    /** @param path the file whose foreign flock ends */
    public synchronized void releaseForeignFlock(Path path) {
        Inode i = names.get(path);
        if (i != null) {
            i.flockOwner = null;
        }
    }

    private void requireParent(String op, Path path) throws ErrnoException {
        Inode parent = names.get(path.getParent());
        if (parent == null) {
            throw new ErrnoException(op, path, Errno.ENOENT);
        }
        if (parent.type != FileType.DIRECTORY) {
            throw new ErrnoException(op, path, Errno.ENOTDIR);
        }
    }

    @Override
    public synchronized void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
        if (createError != null) {
            throw new ErrnoException("open", path, createError);
        }
        requireParent("open", path);
        if (names.containsKey(path)) {
            throw new ErrnoException("open", path, Errno.EEXIST);
        }
        create(path, FileType.REGULAR);
        names.get(path).content = content.clone();
    }

    @Override
    public synchronized byte[] read(Path path, int maxBytes) throws ErrnoException {
        Inode i = names.get(path);
        if (i == null) {
            throw new ErrnoException("read", path, Errno.ENOENT);
        }
        if (i.type == FileType.SYMLINK) {
            throw new ErrnoException("read", path, Errno.ELOOP);
        }
        return java.util.Arrays.copyOf(i.content, Math.min(maxBytes, i.content.length));
    }

    /**
     * Replaces a name by a new file that reuses the old inode number, as ext4 does after a free.
     *
     * @param path the name
     */
    public synchronized void replaceReusingInode(Path path) {
        Inode old = names.remove(path);
        old.nlink--;
        Inode i = new Inode(old.ino, FileType.REGULAR);
        i.nlink = 1;
        names.put(path, i);
    }

    /**
     * Replaces a name by a stranger's file that looks like the old one from its status alone:
     * the same inode number, size and modification time, but other content.
     *
     * @param path    the name
     * @param content the stranger's content
     */
    public synchronized void replaceLookingAlike(Path path, byte[] content) {
        Inode old = names.remove(path);
        old.nlink--;
        Inode i = new Inode(old.ino, FileType.REGULAR, old.mtimeNanos);
        i.nlink = 1;
        i.content = content.clone();
        names.put(path, i);
    }

    @Override
    public synchronized boolean link(Path existing, Path newName) throws ErrnoException {
        linkCalls.incrementAndGet();
        if (linkError != null) {
            throw new ErrnoException("link", existing, newName, linkError, null);
        }
        requireParent("link", newName);
        if (names.containsKey(newName)) {
            return false;
        }
        Inode i = names.get(existing);
        if (i == null) {
            throw new ErrnoException("link", existing, newName, Errno.ENOENT, null);
        }
        i.nlink++;
        names.put(newName, i);
        return !linkLiesWithEexist;
    }

    @Override
    public synchronized void unlink(Path path) throws ErrnoException {
        Inode i = names.get(path);
        if (i == null) {
            throw new ErrnoException("unlink", path, Errno.ENOENT);
        }
        if (i.type == FileType.DIRECTORY) {
            throw new ErrnoException("unlink", path, Errno.EISDIR);
        }
        removeName(path);
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        Runnable before = beforeRenameOnce;
        beforeRenameOnce = null;
        if (before != null) {
            before.run();
        }
        renameNow(from, to);
    }

    /**
     * Writes a file with content, as a stranger would.
     *
     * @param path    the name
     * @param content the bytes
     */
    public synchronized void write(Path path, byte[] content) {
        create(path, FileType.REGULAR);
        names.get(path).content = content.clone();
    }

    private synchronized void renameNow(Path from, Path to) throws ErrnoException {
        Inode i = names.remove(from);
        if (i == null) {
            throw new ErrnoException("rename", from, to, Errno.ENOENT, null);
        }
        Inode old = names.put(to, i);
        if (old != null) {
            old.nlink--;
        }
    }

    @Override
    public synchronized Optional<FileStat> lstat(Path path) throws ErrnoException {
        Inode i = names.get(path);
        return i == null ? Optional.empty() : Optional.of(stat(i));
    }

    @Override
    public synchronized Optional<FileStat> stat(Path path) throws ErrnoException {
        return lstat(path);
    }

    private static FileStat stat(Inode i) {
        long now = System.currentTimeMillis() * 1_000_000L;
        return new FileStat(1, i.ino, i.nlink, i.type, 0644, 0, 0, i.mtimeNanos, now);
    }

    @Override
    public synchronized FlockFile openForFlock(Path path, int permissions) throws ErrnoException {
        openCalls.incrementAndGet();
        requireParent("open", path);
        Inode i = names.get(path);
        if (i == null) {
            create(path, FileType.REGULAR);
            i = names.get(path);
        } else if (i.type == FileType.SYMLINK) {
            throw new ErrnoException("open", path, Errno.ELOOP);
        } else if (i.type == FileType.DIRECTORY) {
            throw new ErrnoException("open", path, Errno.EISDIR);
        } else if (i.type == FileType.FIFO) {
            throw new ErrnoException("open", path, Errno.ENXIO);
        }
        return new Fd(i);
    }

    /** A fake open file description. */
    final class Fd implements FlockFile {
        private final Inode inode;
        private boolean closed;

        Fd(Inode inode) {
            this.inode = inode;
        }

        @Override
        public FileStat fstat() throws ErrnoException {
            synchronized (FakeFileOps.this) {
                if (closed) {
                    throw new ErrnoException("fstat", null, Errno.EBADF);
                }
                return stat(inode);
            }
        }

        @Override
        public boolean tryLockExclusive() throws ErrnoException {
            Runnable after;
            synchronized (FakeFileOps.this) {
                flockCalls.incrementAndGet();
                if (closed) {
                    throw new ErrnoException("flock", null, Errno.EBADF);
                }
                if (flockError != null) {
                    throw new ErrnoException("flock", null, flockError);
                }
                if (inode.flockOwner != null && inode.flockOwner != this) {
                    return false;
                }
                inode.flockOwner = this;
                after = afterFlockOnce;
                afterFlockOnce = null;
            }
            if (after != null) {
                after.run();
            }
            return true;
        }

        @Override
        public void close() {
            synchronized (FakeFileOps.this) {
                if (!closed) {
                    closed = true;
                    if (inode.flockOwner == this) {
                        inode.flockOwner = null;
                    }
                }
            }
        }
    }

    /** @return the number of open fake descriptors that hold a flock */
    public synchronized long heldFlocks() {
        return names.values().stream().distinct().filter(i -> i.flockOwner instanceof Fd).count();
    }
}
