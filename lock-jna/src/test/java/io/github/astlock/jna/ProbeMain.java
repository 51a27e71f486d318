package io.github.astlock.jna;

import io.github.astlock.BackendInfo;
import io.github.astlock.LockBackends;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.Availability;

/**
 * Run in a child JVM by {@link JnaAvailabilityTest}: prints what discovery and an explicit
 * choice of {@code jna} report, and must itself never fail.
 */
public final class ProbeMain {
    private ProbeMain() {
    }

    /**
     * Prints the findings.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        JnaBackendProvider p = new JnaBackendProvider();
        Availability first = p.availability();
        System.out.println("direct: " + first);
        System.out.println("cached: " + (p.availability() == first));
        for (BackendInfo b : LockBackends.list()) {
            System.out.println("found: " + b.describe());
        }
        try {
            PathLocker.create(LockOptions.defaults(), "jna");
            System.out.println("selected");
        } catch (RuntimeException e) {
            System.out.println("refused: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try {
            p.fileOps();
            System.out.println("fileOps returned");
        } catch (IllegalStateException e) {
            System.out.println("fileOps refused: " + e.getMessage());
        }
    }
}
