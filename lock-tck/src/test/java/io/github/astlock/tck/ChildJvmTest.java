package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.spi.LockBackendProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A child JVM gets the parent's astlock.* properties and those its kit class asks for. */
class ChildJvmTest {

    /** A kit class that asks for one property and one prefix. */
    static final class Asking extends TckSupport {
        @Override
        protected LockBackendProvider createBackend() {
            throw new UnsupportedOperationException("not needed to build a command line");
        }

        @Override
        protected Set<String> childJvmSystemProperties() {
            return Set.of("childjvmtest.exact", "childjvmtest.prefix.*");
        }
    }

    @Test
    void childrenInheritAstlockPropertiesAndTheDeclaredOnes() {
        List<String> names = List.of("astlock.childjvmtest", "childjvmtest.exact", "childjvmtest.prefix.a",
                "childjvmtest.other");
        try {
            for (String n : names) {
                System.setProperty(n, "value of " + n);
            }
            List<String> cmd = ChildJvm.command(List.of(), Asking.class, "try", LockMode.LOCKFILE, Path.of("/x"));
            assertTrue(cmd.contains("-Dastlock.childjvmtest=value of astlock.childjvmtest"), cmd.toString());
            assertTrue(cmd.contains("-Dchildjvmtest.exact=value of childjvmtest.exact"), cmd.toString());
            assertTrue(cmd.contains("-Dchildjvmtest.prefix.a=value of childjvmtest.prefix.a"), cmd.toString());
            assertFalse(cmd.stream().anyMatch(a -> a.startsWith("-Dchildjvmtest.other")), cmd.toString());
            assertTrue(cmd.indexOf("-Dchildjvmtest.exact=value of childjvmtest.exact") < cmd.indexOf(
                    TckChild.class.getName()), "properties go before the main class: " + cmd);
            List<String> plain = ChildJvm.command(List.of(), Object.class, "try", LockMode.LOCKFILE, Path.of("/x"));
            assertEquals(1, plain.stream().filter(a -> a.startsWith("-Dastlock.childjvmtest=")).count(), plain.toString());
            assertFalse(plain.stream().anyMatch(a -> a.startsWith("-Dchildjvmtest.")), plain.toString());
        } finally {
            names.forEach(System::clearProperty);
        }
    }
}
