package io.github.astlock.jna.modcheck;

import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FlockFile;
import io.github.astlock.spi.LockBackendProvider;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Run in a child JVM with the backend, lock-api and JNA on the <em>module path</em> (this class
 * stays on the class path): proves the module descriptor's {@code provides} and that JNA can
 * bind the C library from inside the named module.
 */
public final class ModuleMain {
    private ModuleMain() {
    }

    /**
     * Locks the directory given in both modes through the jna module.
     *
     * @param args the directory
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        LockBackendProvider jna = ServiceLoader.load(LockBackendProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.id().equals("jna")).findFirst()
                .orElseThrow(() -> new AssertionError("jna not found on the module path"));
        System.out.println("module: " + jna.getClass().getModule().getName());
        System.out.println("availability: " + jna.availability());
        FileStat st;
        try (FlockFile f = jna.fileOps().openForFlock(dir.resolve("probe"), 0600)) {
            System.out.println("flock: " + f.tryLockExclusive());
            st = f.fstat();
        }
        System.out.println("fstat: " + st.type() + " nlink " + st.nlink());
        for (LockMode mode : new LockMode[] {LockMode.LOCKFILE, LockMode.FLOCK}) {
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).build(), "jna");
            try (PathLock lock = locker.lock(dir)) {
                System.out.println("locked " + mode + " with " + lock.backendId());
            }
        }
        System.out.println("OK");
    }
}
