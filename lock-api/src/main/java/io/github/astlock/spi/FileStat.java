package io.github.astlock.spi;

import java.util.Objects;

/**
 * The parts of {@code struct stat} the lock protocols use.
 *
 * @param dev          the device ({@code st_dev})
 * @param ino          the inode number ({@code st_ino})
 * @param nlink        the number of hard links ({@code st_nlink})
 * @param type         the file type, from {@code st_mode}
 * @param mode         the permission bits ({@code st_mode & 07777})
 * @param uid          the owner ({@code st_uid})
 * @param size         the size in bytes
 * @param mtimeNanos   the modification time, nanoseconds since the epoch
 * @param ctimeNanos   the status change time, nanoseconds since the epoch
 */
public record FileStat(long dev, long ino, long nlink, FileType type, int mode, int uid, long size,
                       long mtimeNanos, long ctimeNanos) {

    /**
     * Validates the components.
     *
     * @param dev        the device
     * @param ino        the inode number
     * @param nlink      the number of hard links
     * @param type       the file type
     * @param mode       the permission bits
     * @param uid        the owner
     * @param size       the size in bytes
     * @param mtimeNanos the modification time in nanoseconds since the epoch
     * @param ctimeNanos the status change time in nanoseconds since the epoch
     */
    public FileStat {
        Objects.requireNonNull(type, "type");
    }

    /**
     * Whether this and another stat describe the same inode.
     *
     * @param other the other stat; may be {@code null}
     * @return {@code true} when device and inode number are equal
     */
    public boolean sameInode(FileStat other) {
        return other != null && dev == other.dev && ino == other.ino;
    }

    /**
     * Returns the identity as {@code dev:ino}, for messages.
     *
     * @return the identity as {@code dev:ino}, for messages
     */
    public String identity() {
        return Long.toUnsignedString(dev) + ":" + Long.toUnsignedString(ino);
    }
}
