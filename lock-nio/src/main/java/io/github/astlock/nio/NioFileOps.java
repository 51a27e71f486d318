package io.github.astlock.nio;

import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The primitives on java.nio; each maps to one system call of the JDK's Unix file system. */
final class NioFileOps implements FileOps {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final LinkOption[] FOLLOW = {};
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    @Override
    public void createExclusive(Path path, int permissions, byte[] content) throws ErrnoException {
        FileAttribute<Set<PosixFilePermission>> perms = PosixFilePermissions.asFileAttribute(toSet(permissions));
        // CREATE_NEW is O_CREAT|O_EXCL, which never follows a symbolic link at the final name.
        try (SeekableByteChannel ch = Files.newByteChannel(path,
                EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW), perms)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e) {
            ErrnoException ee = map("open", path, null, e);
            if (!(e instanceof FileAlreadyExistsException)) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // the create failed before the file existed, or it cannot be removed either
                }
            }
            throw ee;
        }
    }

    @Override
    public boolean link(Path existing, Path newName) throws ErrnoException {
        try {
            Files.createLink(newName, existing);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw map("link", existing, newName, e);
        }
    }

    @Override
    public void unlink(Path path) throws ErrnoException {
        // Files.delete would rmdir(2) a directory; unlink(2) must refuse it.
        Optional<FileStat> st = lstat(path);
        if (st.isEmpty()) {
            throw new ErrnoException("unlink", path, Errno.ENOENT);
        }
        if (st.get().type() == FileType.DIRECTORY) {
            throw new ErrnoException("unlink", path, Errno.EISDIR);
        }
        // java.io.File.delete is a single unlink(2) for anything but a directory, where
        // Files.delete would first look at the name again. It names files by a String, which is
        // exact only for an ASCII path (other bytes may not survive decoding), and it reports no
        // reason when it fails: then Files.delete makes the attempt, to fail with the error as it is.
        String name = path.toString();
        if (isAscii(name) && new java.io.File(name).delete()) {
            return;
        }
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw map("unlink", path, null, e);
        }
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw map("rename", from, to, e);
        }
    }

    @Override
    public Optional<FileStat> lstat(Path path) throws ErrnoException {
        return stat("lstat", path, NOFOLLOW);
    }

    @Override
    public Optional<FileStat> stat(Path path) throws ErrnoException {
        return stat("stat", path, FOLLOW);
    }

    private static Optional<FileStat> stat(String op, Path path, LinkOption[] options) throws ErrnoException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(path, "unix:dev,ino,nlink,mode,uid,size,lastModifiedTime,ctime", options);
        } catch (java.nio.file.NoSuchFileException e) {
            if (prefixIsNotADirectory(path)) {
                // Newer JDKs (25) report ENOTDIR from stat as NoSuchFileException; restore it.
                throw new ErrnoException(op, path, null, Errno.ENOTDIR, e);
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            throw map(op, path, null, e);
        }
        int mode = (Integer) a.get("mode");
        return Optional.of(new FileStat((Long) a.get("dev"), (Long) a.get("ino"), ((Number) a.get("nlink")).longValue(),
                FileType.ofMode(mode), mode & 07777, (Integer) a.get("uid"), (Long) a.get("size"),
                nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime"))));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Whether the nearest existing ancestor of {@code path} is something other than a directory. */
    private static boolean prefixIsNotADirectory(Path path) {
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return !Files.isDirectory(p);
            }
        }
        return false;
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    private static Set<PosixFilePermission> toSet(int permissions) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((permissions & (1 << i)) != 0) {
                s.add(BITS[i]);
            }
        }
        return s;
    }

    /** Wraps java.nio's exception with the errno it stands for. */
    static ErrnoException map(String op, Path path, Path other, Exception e) {
        return new ErrnoException(op, path, other, Errno.fromException(e), e);
    }
}
