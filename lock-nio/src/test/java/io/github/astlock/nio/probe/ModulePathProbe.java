package io.github.astlock.nio.probe;

import io.github.astlock.LockBackends;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@code ModulePathTest} in a child JVM whose astlock jars are on the module path. It lives
 * in a package of its own because the class path may not share a package with a named module.
 */
public final class ModulePathProbe {
    private ModulePathProbe() {
    }

    /**
     * @param args the directory to lock
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        System.out.println("named=" + PathLocker.class.getModule().isNamed() + "/"
                + LockBackends.list().get(0).provider().orElseThrow().getClass().getModule().getName());
        System.out.println("backends=" + LockBackends.list().stream().map(b -> b.id()).toList());
        try (PathLock lock = PathLocker.create().lock(Path.of(args[0]))) {
            System.out.println("locked=" + Files.exists(lock.lockFile()));
        }
    }
}
