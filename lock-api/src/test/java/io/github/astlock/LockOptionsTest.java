package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.Errno;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Options, modes and error names. */
class LockOptionsTest {

    @Test
    void defaultsMatchAsterisk() {
        LockOptions o = LockOptions.defaults();
        assertEquals(LockMode.LOCKFILE, o.mode());
        assertEquals(Duration.ofSeconds(5), o.timeout());
        assertEquals(0600, o.flockFilePermissions());
        assertEquals(o, LockOptions.builder().build());
        assertEquals(o, o.toBuilder().build());
    }

    @Test
    void invalidValuesNameTheField() {
        assertField("timeout", () -> LockOptions.builder().timeout(Duration.ofNanos(-1)));
        assertField("timeout", () -> LockOptions.builder().timeout(null));
        assertField("mode", () -> LockOptions.builder().mode(null));
        assertField("initialBackoff", () -> LockOptions.builder().backoff(Duration.ZERO, Duration.ofMillis(5)));
        assertField("maxBackoff", () -> LockOptions.builder().backoff(Duration.ofMillis(5), Duration.ofMillis(2)));
        assertField("flockFilePermissions", () -> LockOptions.builder().flockFilePermissions(01000));
        assertField("lockfilePermissions", () -> LockOptions.builder().lockfilePermissions(-1));
    }

    private static void assertField(String field, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
    }

    @Test
    void zeroTimeoutIsAllowed() {
        assertEquals(Duration.ZERO, LockOptions.builder().timeout(Duration.ZERO).build().timeout());
    }

    @Test
    void modesParseAsAsteriskSpellsThem() {
        assertEquals(Optional.of(LockMode.FLOCK), LockMode.fromAsteriskName("FLOCK"));
        assertEquals(Optional.of(LockMode.LOCKFILE), LockMode.fromAsteriskName("  LockFile "));
        assertEquals(Optional.empty(), LockMode.fromAsteriskName("flock2"));
        assertThrows(IllegalArgumentException.class, () -> LockMode.parse("yes"));
        assertEquals(".lock", LockMode.LOCKFILE.lockFileName());
        assertEquals("lock", LockMode.FLOCK.lockFileName());
    }

    @Test
    void errnoNamesAreRecoveredFromNumbersNamesAndMessages() {
        assertEquals(Errno.EEXIST, Errno.of(17));
        assertEquals("E999", Errno.of(999).name());
        assertEquals(Errno.EAGAIN, Errno.named("EWOULDBLOCK"));
        assertEquals("ELOOP", Errno.fromMessage("Too many levels of symbolic links or unable to access attributes of symbolic link").name());
        assertEquals("ENAMETOOLONG", Errno.fromMessage("File name too long").name());
        assertEquals("EIO", Errno.fromMessage("something odd").name());
        assertEquals("EEXIST (File exists)", Errno.EEXIST.toString());
    }
}
