package io.github.astlock.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Set;

/**
 * The java.nio implementation of {@link FileOps#read(Path, int)}: refuses anything but a regular
 * file before opening it (so a FIFO does not block the open), and reads with the thread's
 * interrupt status cleared, restoring it afterwards, because an interruptible channel would
 * otherwise close itself and fail the read that a release depends on.
 */
final class DefaultRead {
    /** How often an interrupt arriving during the read itself is absorbed before giving up. */
    private static final int ATTEMPTS = 5;

    private DefaultRead() {
    }

    static byte[] read(Path path, int maxBytes) throws ErrnoException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return readOnce(path, maxBytes);
                } catch (ErrnoException e) {
                    throw e; // already says what is wrong: not to be mapped again below
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    Thread.interrupted();
                    if (attempt >= ATTEMPTS) {
                        throw new ErrnoException("read", path, null, Errno.EINTR, e);
                    }
                } catch (IOException e) {
                    throw new ErrnoException("read", path, null, Errno.fromException(e), e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static byte[] readOnce(Path path, int maxBytes) throws IOException, ErrnoException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            throw new ErrnoException("read", path, Errno.ELOOP);
        }
        if (a.isDirectory()) {
            throw new ErrnoException("read", path, Errno.EISDIR);
        }
        if (!a.isRegularFile()) {
            throw new ErrnoException("read", path, null, new Errno(Errno.ENXIO.name(), Errno.ENXIO.number(),
                    "not a regular file (refused without opening it)"), null);
        }
        try (SeekableByteChannel ch = Files.newByteChannel(path,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.allocate(maxBytes);
            // The size seen by the check above counts as the end of the file once reached (no
            // last read that returns nothing); a size of 0 says nothing, so then read to the end.
            long known = a.size() > 0 ? Math.min(a.size(), maxBytes) : maxBytes;
            while (buf.position() < known && ch.read(buf) > 0) {
                // keep reading until full or end of file
            }
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }
}
