package io.github.astlock.voicemail;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** {@link SpoolFs} on java.nio. */
final class NioSpoolFs implements SpoolFs {
    /** Flushes every written file and directory change to disk. */
    static final NioSpoolFs INSTANCE = new NioSpoolFs(true);
    /** Leaves flushing to the operating system (for tests and scratch spools). */
    static final NioSpoolFs UNFLUSHED = new NioSpoolFs(false);

    private final boolean flush;

    private NioSpoolFs(boolean flush) {
        this.flush = flush;
    }

    private static ErrnoException fail(String op, Path path, Path other, IOException e) {
        if (e instanceof ErrnoException) {
            return (ErrnoException) e;
        }
        Errno errno = e instanceof FileAlreadyExistsException ? Errno.EEXIST
                : e instanceof NoSuchFileException ? Errno.ENOENT : Errno.fromException(e);
        return new ErrnoException(op, path, other, errno, e);
    }

    @Override
    public List<String> list(Path dir) throws ErrnoException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        } catch (IOException e) {
            throw fail("opendir", dir, null, e);
        } catch (java.io.UncheckedIOException e) {
            throw fail("readdir", dir, null, e.getCause());
        }
    }

    @Override
    public Optional<Attrs> stat(Path path) throws ErrnoException {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return Optional.of(new Attrs(a.isDirectory(), a.isRegularFile(), a.size(),
                    a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.fileKey()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw fail("lstat", path, null, e);
        }
    }

    @Override
    public byte[] read(Path path) throws ErrnoException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw fail("read", path, null, e);
        }
    }

    @Override
    public void create(Path path, byte[] content) throws ErrnoException {
        boolean created = false;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            created = true;
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (flush) {
                ch.force(true);
            }
        } catch (IOException e) {
            if (created) {
                quietUnlink(path);
            }
            throw fail("write", path, null, e);
        }
    }

    @Override
    public void copy(Path from, Path to) throws ErrnoException {
        boolean created = false;
        try (InputStream in = Files.newInputStream(from);
             FileChannel ch = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS)) {
            created = true;
            byte[] chunk = new byte[65536];
            int n;
            while ((n = in.read(chunk)) > 0) {
                ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            if (flush) {
                ch.force(true);
            }
        } catch (IOException e) {
            if (created) {
                quietUnlink(to);
            }
            throw fail("copy", from, to, e);
        }
    }

    private static void quietUnlink(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the original failure is what the caller needs to see
        }
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw fail("rename", from, to, e);
        }
    }

    @Override
    public void unlink(Path path) throws ErrnoException {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw fail("unlink", path, null, e);
        }
    }

    @Override
    public void mkdir(Path dir) throws ErrnoException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw fail("mkdir", dir, null, e);
            }
        } catch (IOException e) {
            throw fail("mkdir", dir, null, e);
        }
    }

    @Override
    public void chmod(Path path, int mode) throws ErrnoException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(order[i]);
            }
        }
        try {
            Files.setPosixFilePermissions(path, perms);
        } catch (IOException e) {
            throw fail("chmod", path, null, e);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to set
        }
    }

    @Override
    public void syncDir(Path dir) throws ErrnoException {
        if (!flush) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems refuse to open or sync a directory; the data files are synced
            if (!(e instanceof NoSuchFileException)) {
                return;
            }
            throw fail("fsync", dir, null, e);
        }
    }
}
