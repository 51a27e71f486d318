package io.github.astlock.testing;

import io.github.astlock.LockOwner;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process for cross-process tests: judges the owner record in the file named by its
 * argument from its own point of view and prints the liveness ({@code ALIVE}, {@code DEAD} or
 * {@code UNKNOWN}).
 */
public final class OwnerJudgeChild {
    private OwnerJudgeChild() {
    }

    /**
     * Entry point.
     *
     * @param args the record file
     * @throws Exception when the file cannot be read
     */
    public static void main(String[] args) throws Exception {
        LockOwner owner = LockOwner.parse(Files.readAllBytes(Path.of(args[0])))
                .orElseThrow(() -> new IllegalArgumentException("not an owner record: " + args[0]));
        System.out.println(owner.liveness());
    }
}
