package io.github.astlock.jnr.modcheck;

import io.github.astlock.LockBackends;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@code JnrModulePathTest} in a child JVM whose astlock and jnr jars are on the module
 * path: locks and releases a folder in every mode with the jnr backend. It lives in a package of
 * its own because the class path may not share a package with a named module.
 */
public final class ModuleMain {
    private ModuleMain() {
    }

    /**
     * Main.
     *
     * @param args the parent of the folders to lock
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        var jnr = LockBackends.list().stream().filter(b -> b.id().equals("jnr")).findFirst().orElseThrow();
        System.out.println("module: " + jnr.provider().orElseThrow().getClass().getModule().getName());
        System.out.println("availability: " + jnr.availability());
        try (var watch = jnr.provider().orElseThrow().fileOps().watchForRelease(root).orElse(null)) {
            System.out.println("release watch: " + (watch != null));
        }
        for (LockMode mode : new LockMode[] {LockMode.LOCKFILE, LockMode.FLOCK, LockMode.BOTH}) {
            Path dir = Files.createDirectory(root.resolve(mode.name()));
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).build(), "jnr");
            Path lockFile;
            try (PathLock lock = locker.lock(dir)) {
                lockFile = lock.lockFile();
                lock.checkValid();
                System.out.println("locked " + mode + " " + Files.exists(lockFile));
            }
            System.out.println("released " + mode + " " + !Files.exists(dir.resolve(".lock")));
        }
        System.out.println("OK");
    }
}
