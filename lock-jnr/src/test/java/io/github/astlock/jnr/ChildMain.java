package io.github.astlock.jnr;

import io.github.astlock.BackendSelectionException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.ErrnoException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.posix.POSIXFactory;

/**
 * Runs in a child JVM started by the tests, so that JVM-wide state (jnr-ffi's provider, jffi's
 * native library, resource limits) can be set up differently from the test JVM. Prints
 * {@code key=value} lines for the parent to check.
 */
public final class ChildMain {
    private ChildMain() {
    }

    /**
     * @param args {@code availability} or {@code write-failure <file>}
     * @throws Exception when the scenario fails unexpectedly
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "availability":
                availability();
                break;
            case "write-failure":
                writeFailure(Path.of(args[1]), Integer.parseInt(args[2]));
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
        System.out.flush();
    }

    private static void availability() {
        JnrBackendProvider provider = new JnrBackendProvider();
        Availability a = provider.availability();
        System.out.println("usable=" + a.usable());
        System.out.println("reason=" + a.reason().replace('\n', ' '));
        try {
            PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK).build(), "jnr");
            System.out.println("create=ok " + locker.backend().id());
        } catch (BackendSelectionException e) {
            System.out.println("create=" + e.getClass().getName());
            System.out.println("message=" + e.getMessage().replace('\n', ' '));
        }
        try {
            provider.fileOps();
            System.out.println("fileOps=ok");
        } catch (IllegalStateException e) {
            System.out.println("fileOps=" + e.getClass().getName());
        }
        // What the pitfall looks like: getPOSIX() hides the failure behind the Java emulation.
        System.out.println("getPOSIX.isNative=" + POSIXFactory.getPOSIX().isNative());
    }

    private static void writeFailure(Path file, int size) throws Exception {
        JnrBackendProvider provider = new JnrBackendProvider();
        provider.fileOps().lstat(file); // loads everything before counting descriptors
        int before = TestSupport.openDescriptorsTo(file);
        try {
            provider.fileOps().createExclusive(file, 0644, new byte[size]);
            System.out.println("result=created size " + Files.size(file));
        } catch (ErrnoException e) {
            System.out.println("result=" + e.errno().name() + " op " + e.operation());
        }
        System.out.println("exists=" + Files.exists(file));
        System.out.println("fdDelta=" + (TestSupport.openDescriptorsTo(file) - before));
    }
}
