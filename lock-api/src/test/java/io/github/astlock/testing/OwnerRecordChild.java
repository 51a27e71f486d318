package io.github.astlock.testing;

import io.github.astlock.LockOwner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A child process for cross-process tests: writes the owner record this process would put into
 * {@code .lock} to the file named by its argument (atomically), then stays alive until its
 * standard input is closed.
 */
public final class OwnerRecordChild {
    private OwnerRecordChild() {
    }

    /**
     * Entry point.
     *
     * @param args the file to write
     * @throws Exception when writing fails
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.write(tmp, LockOwner.forThisProcess().toBytes());
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        while (System.in.read() >= 0) {
            // wait for the parent to close our input
        }
    }
}
