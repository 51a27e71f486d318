package io.github.astlock.internal;

import io.github.astlock.LockException;
import io.github.astlock.LockLostException;
import io.github.astlock.LockMode;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FileStat;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The part of a held lock both protocols share: the lock file's name and the inode we hold
 * under it, and the on-disk check that the name still refers to that inode.
 */
final class HeldInode {
    final FileOps ops;
    final Path dir;
    final Path lock;
    final LockMode mode;
    final FileStat ours;

    HeldInode(FileOps ops, Path dir, Path lock, LockMode mode, FileStat ours) {
        this.ops = ops;
        this.dir = dir;
        this.lock = lock;
        this.mode = mode;
        this.ours = ours;
    }

    /**
     * Checks that {@link #lock} still names our inode.
     *
     * @param verb     {@code "check"} or {@code "unlock"}, for the message
     * @param gone     what it means that the name is gone
     * @param replaced what it means that the name is another inode
     * @return the current status of {@link #lock}, which is our inode
     * @throws LockException a {@link LockLostException} when it does not
     */
    FileStat requireNamed(String verb, String gone, String replaced) throws LockException {
        Optional<FileStat> now;
        try {
            now = ops.lstat(lock);
        } catch (ErrnoException e) {
            throw Errors.map(dir, mode, Errors.Step.CHECK, e);
        }
        if (now.isEmpty()) {
            throw lost(verb, lock + " " + gone);
        }
        if (!now.get().sameInode(ours)) {
            throw lost(verb, lock + " is now inode " + now.get().identity() + ", not ours (" + ours.identity() + "); "
                    + replaced);
        }
        return now.get();
    }

    LockLostException lost(String verb, String detail) {
        return new LockLostException(verb, dir, mode, detail);
    }

    LockException failure(ErrnoException e) {
        return Errors.map(dir, mode, Errors.Step.CHECK, e);
    }
}
