package io.github.astlock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockException;
import io.github.astlock.LockMode;
import io.github.astlock.LockPathException;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Messages of mapped errors: "directory not found" only when the directory is what is missing. */
class ErrorsTest {
    private static final Path DIR = Path.of("/spool/INBOX");

    @Test
    void aMissingLockFileIsNotAMissingDirectory() {
        for (Errors.Step step : new Errors.Step[] {Errors.Step.CHECK, Errors.Step.CREATE_TEMP, Errors.Step.LINK,
                Errors.Step.OPEN_LOCK_FILE}) {
            LockException e = Errors.map(DIR, LockMode.LOCKFILE, step,
                    new ErrnoException("read", DIR.resolve(".lock"), Errno.ENOENT));
            assertFalse(e.getMessage().contains("directory not found"), e.getMessage());
            assertTrue(e.getMessage().contains("ENOENT") && e.getMessage().contains(".lock"), e.getMessage());
            assertTrue(e instanceof LockPathException, step.toString());
            assertEquals(Errno.ENOENT, e.errno().orElseThrow());
        }
        LockException e = Errors.map(DIR, LockMode.LOCKFILE, Errors.Step.DIRECTORY,
                new ErrnoException("stat", DIR, Errno.ENOENT));
        assertTrue(e.getMessage().contains("directory not found"), e.getMessage());
    }
}
