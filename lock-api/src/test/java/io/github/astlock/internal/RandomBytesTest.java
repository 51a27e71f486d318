package io.github.astlock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockOwner;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Random bytes: never handed out twice, across the blocks read from the kernel; the JVM id is a random UUID. */
class RandomBytesTest {
    @Test
    void bytesAreNotRepeatedAcrossBlocks() {
        Set<String> seen = new HashSet<>();
        // 3 * 16 bytes per round, over many blocks, with lengths that do not divide a block
        for (int i = 0; i < 200; i++) {
            byte[] a = new byte[7];
            byte[] b = new byte[RandomBytes.BLOCK + 9];
            RandomBytes.fill(a);
            RandomBytes.fill(b);
            assertTrue(seen.add(java.util.HexFormat.of().formatHex(a)), "7 random bytes repeated");
            assertTrue(seen.add(java.util.HexFormat.of().formatHex(b, 0, 16)), "16 random bytes repeated");
            assertTrue(seen.add(java.util.HexFormat.of().formatHex(b, b.length - 16, b.length)),
                    "16 random bytes repeated");
            assertTrue(seen.add(Long.toHexString(RandomBytes.nextLong())), "a random long repeated");
        }
        byte[] big = new byte[4 * RandomBytes.BLOCK];
        RandomBytes.fill(big);
        int zeros = 0;
        for (byte x : big) {
            zeros += x == 0 ? 1 : 0;
        }
        // about 8 of 2048 bytes are zero by chance; a buffer handed out without reading would be all zeros
        assertTrue(zeros < 64, zeros + " zero bytes of " + big.length);
    }

    @Test
    void ownerTokensAndJvmIdKeepTheirFormat() {
        LockOwner a = LockOwner.forThisProcess();
        LockOwner b = LockOwner.forThisProcess();
        assertTrue(a.token().matches("[0-9a-f]{24}"), a.token());
        assertFalse(a.token().equals(b.token()));
        UUID jvm = UUID.fromString(a.jvm());
        assertEquals(a.jvm(), jvm.toString());
        assertEquals(4, jvm.version());
        assertEquals(2, jvm.variant());
        String temp = LockfileProtocol.newTempName();
        assertTrue(temp.matches("\\.lock\\.[0-9A-Za-z_-]{8}"), temp);
        assertFalse(temp.equals(LockfileProtocol.newTempName()));
    }
}
