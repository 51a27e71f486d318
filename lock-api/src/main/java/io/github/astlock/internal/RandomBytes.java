package io.github.astlock.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Random bytes for the names of temporary files, the owner record's token and the JVM's id.
 *
 * <p>These need to be unique and unguessable for other local users (a name or token that
 * someone could predict would let them get in the way of a lock), not a cryptographic random
 * generator with its own state. They come straight from the kernel's generator,
 * {@code /dev/urandom}, read through a plain file stream a few hundred bytes at a time, so a
 * lock costs no extra system call most of the time. {@link SecureRandom} is avoided on
 * purpose: setting it up loads the security providers and a message digest, which takes longer
 * than everything else a short-lived command does to take its first lock. It is used only when
 * {@code /dev/urandom} cannot be read.
 */
public final class RandomBytes {
    /** How many bytes are read from the kernel at a time. */
    static final int BLOCK = 512;

    private static final String SOURCE = "/dev/urandom";

    private static final byte[] BUFFER = new byte[BLOCK];
    /** How many bytes of {@link #BUFFER} have been handed out; all of them at first. */
    private static int used = BLOCK;

    private RandomBytes() {
    }

    /**
     * Fills an array with random bytes.
     *
     * @param out the array to fill
     */
    public static void fill(byte[] out) {
        synchronized (BUFFER) {
            int done = 0;
            while (done < out.length) {
                if (used == BLOCK) {
                    refill();
                }
                int n = Math.min(out.length - done, BLOCK - used);
                System.arraycopy(BUFFER, used, out, done, n);
                // handed out once only
                Arrays.fill(BUFFER, used, used + n, (byte) 0);
                used += n;
                done += n;
            }
        }
    }

    /**
     * Returns a random {@code long}.
     *
     * @return a random {@code long}
     */
    public static long nextLong() {
        byte[] b = new byte[Long.BYTES];
        fill(b);
        long v = 0;
        for (byte x : b) {
            v = v << 8 | (x & 0xff);
        }
        return v;
    }

    private static void refill() {
        try (InputStream in = new FileInputStream(SOURCE)) {
            if (in.readNBytes(BUFFER, 0, BLOCK) == BLOCK) {
                used = 0;
                return;
            }
        } catch (IOException | RuntimeException e) {
            // no /dev/urandom (a very restricted container): the JDK's generator instead
        }
        Fallback.RANDOM.nextBytes(BUFFER);
        used = 0;
    }

    /** The JDK's generator, set up only when the kernel's cannot be read. */
    private static final class Fallback {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
