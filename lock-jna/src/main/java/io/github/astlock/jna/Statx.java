package io.github.astlock.jna;

import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes {@code struct statx} ({@code <linux/stat.h>}). Its layout is fixed by the kernel and
 * the same on every architecture (unlike {@code struct stat}), so plain offsets are used
 * instead of a JNA {@code Structure}:
 *
 * <pre>
 *   0 u32 stx_mask        4 u32 stx_blksize      8 u64 stx_attributes
 *  16 u32 stx_nlink      20 u32 stx_uid         24 u32 stx_gid
 *  28 u16 stx_mode       32 u64 stx_ino         40 u64 stx_size
 *  48 u64 stx_blocks     56 u64 stx_attributes_mask
 *  64 stx_atime  80 stx_btime  96 stx_ctime  112 stx_mtime   (each: s64 tv_sec, u32 tv_nsec, s32 pad)
 * 128 u32 stx_rdev_major 132 u32 stx_rdev_minor 136 u32 stx_dev_major 140 u32 stx_dev_minor
 * ... 256 bytes in all
 * </pre>
 */
final class Statx {
    /** {@code sizeof(struct statx)}. */
    static final int SIZE = 256;

    private static final int NLINK = 16;
    private static final int UID = 20;
    private static final int MODE = 28;
    private static final int INO = 32;
    private static final int FILE_SIZE = 40;
    private static final int CTIME = 96;
    private static final int MTIME = 112;
    private static final int DEV_MAJOR = 136;
    private static final int DEV_MINOR = 140;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Statx() {
    }

    /**
     * Decodes a filled buffer.
     *
     * @param buf the {@code struct statx} bytes, in native byte order
     * @return the status
     */
    static FileStat decode(byte[] buf) {
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        int mode = b.getShort(MODE) & 0xffff;
        return new FileStat(
                makedev(b.getInt(DEV_MAJOR), b.getInt(DEV_MINOR)),
                b.getLong(INO),
                Integer.toUnsignedLong(b.getInt(NLINK)),
                FileType.ofMode(mode),
                mode & 07777,
                b.getInt(UID),
                b.getLong(FILE_SIZE),
                nanos(b, MTIME),
                nanos(b, CTIME));
    }

    /**
     * Combines a device's major and minor number into a {@code dev_t} as glibc's
     * {@code makedev} does, which is the value {@code stat(2)} reports as {@code st_dev} (and
     * java.nio as {@code unix:dev}).
     *
     * @param major the major number (unsigned 32 bits)
     * @param minor the minor number (unsigned 32 bits)
     * @return the {@code dev_t}
     */
    static long makedev(int major, int minor) {
        long ma = Integer.toUnsignedLong(major);
        long mi = Integer.toUnsignedLong(minor);
        return ((ma & 0xfffff000L) << 32) | ((ma & 0x00000fffL) << 8)
                | ((mi & 0xffffff00L) << 12) | (mi & 0x000000ffL);
    }

    /** A {@code struct statx_timestamp} as nanoseconds since the epoch, saturating like {@code FileTime}. */
    private static long nanos(ByteBuffer b, int offset) {
        long seconds = b.getLong(offset);
        long nanos = Integer.toUnsignedLong(b.getInt(offset + 8));
        try {
            return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
        } catch (ArithmeticException overflow) {
            return seconds < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
