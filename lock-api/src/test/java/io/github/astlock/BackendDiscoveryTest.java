package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.Availability;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.LockBackendProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServiceLoader discovery with zero, one, two, broken and explicitly chosen providers. */
class BackendDiscoveryTest {
    @TempDir
    Path tmp;

    /** A configurable well-behaved provider. */
    abstract static class Base implements LockBackendProvider {
        @Override
        public Availability availability() {
            return Availability.usable("test");
        }

        @Override
        public Set<LockMode> supportedModes() {
            return Set.of(LockMode.LOCKFILE);
        }

        @Override
        public FileOps fileOps() {
            throw new UnsupportedOperationException();
        }
    }

    /** Priority 5, id alpha. */
    public static final class Alpha extends Base {
        @Override public String id() { return "alpha"; }
        @Override public int priority() { return 5; }
    }

    /** Priority 5, id beta: ties with alpha. */
    public static final class Beta extends Base {
        @Override public String id() { return "beta"; }
        @Override public int priority() { return 5; }
    }

    /** Priority 99 but not usable. */
    public static final class Unusable extends Base {
        @Override public String id() { return "native"; }
        @Override public int priority() { return 99; }
        @Override public Availability availability() { return Availability.unusable("libc not loadable: test"); }
    }

    /** Priority 1; counts how often its availability is asked. */
    public static final class Counting extends Base {
        static final java.util.concurrent.atomic.AtomicInteger ASKED = new java.util.concurrent.atomic.AtomicInteger();
        @Override public String id() { return "counting"; }
        @Override public int priority() { return 1; }
        @Override public Availability availability() { ASKED.incrementAndGet(); return Availability.usable("counted"); }
    }

    /** Its constructor fails, as a provider whose dependency is missing would. */
    public static final class Exploding extends Base {
        public Exploding() {
            throw new IllegalStateException("boom in constructor");
        }
        @Override public String id() { return "exploding"; }
        @Override public int priority() { return 100; }
    }

    /** Its availability check throws. */
    public static final class BadAvailability extends Base {
        @Override public String id() { return "badavail"; }
        @Override public int priority() { return 100; }
        @Override public Availability availability() { throw new IllegalStateException("cannot tell"); }
    }

    /** Delegates to the unusable "native" backend by asking discovery for it, so discovery reaches it again. */
    public static final class Recursing extends Base {
        static volatile ClassLoader loader;
        @Override public String id() { return "recursing"; }
        @Override public int priority() { return 100; }
        @Override public Availability availability() {
            return LockBackends.select(loader, "native").availability();
        }
    }

    /** Its availability check overflows the stack on its own. */
    public static final class Overflowing extends Base {
        @Override public String id() { return "overflowing"; }
        @Override public int priority() { return 100; }
        @Override public Availability availability() { return depth(0); }
        private static Availability depth(int n) {
            Availability a = depth(n + 1);
            return n < 0 ? a : null;
        }
    }

    /** Its availability check throws an Error, not an exception. */
    public static final class ErrorAvailability extends Base {
        @Override public String id() { return "erroravail"; }
        @Override public int priority() { return 100; }
        @Override public Availability availability() { throw new NoClassDefFoundError("com/example/Native"); }
    }

    /** Its constructor throws an Error that is not a LinkageError. */
    public static final class ErrorConstructor extends Base {
        public ErrorConstructor() {
            throw new AssertionError("assertion in constructor");
        }
        @Override public String id() { return "errorctor"; }
        @Override public int priority() { return 100; }
    }

    private ClassLoader loaderWith(String... classNames) throws IOException {
        Path services = tmp.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve(LockBackendProvider.class.getName()), List.of(classNames));
        return new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void zeroProvidersSaysWhatToAdd() throws IOException {
        List<BackendInfo> found = LockBackends.list(loaderWith());
        assertTrue(found.isEmpty());
        BackendSelectionException e = assertThrows(BackendSelectionException.class, () -> LockBackends.select(found, null));
        assertTrue(e.getMessage().contains("lock-jna") && e.getMessage().contains("lock-nio"), e.getMessage());
    }

    @Test
    void oneProviderIsChosen() throws IOException {
        List<BackendInfo> found = LockBackends.list(loaderWith(Alpha.class.getName()));
        assertEquals("alpha", LockBackends.select(found, null).id());
    }

    @Test
    void tiesAreBrokenById() throws IOException {
        List<BackendInfo> found = LockBackends.list(loaderWith(Beta.class.getName(), Alpha.class.getName()));
        assertEquals("alpha", LockBackends.select(found, null).id());
        assertEquals("beta", LockBackends.select(found, "beta").id());
    }

    @Test
    void brokenProvidersDoNotHideTheOthers() throws IOException {
        List<BackendInfo> found = LockBackends.list(loaderWith("com.example.Missing", Exploding.class.getName(),
                BadAvailability.class.getName(), Unusable.class.getName(), Beta.class.getName()));
        assertEquals(5, found.size(), found.toString());
        assertEquals("beta", LockBackends.select(found, null).id());
        String all = found.toString();
        assertTrue(all.contains("com.example.Missing"), all);
        assertTrue(all.contains("boom in constructor"), all);
        assertTrue(all.contains("cannot tell"), all);
        assertTrue(all.contains("libc not loadable"), all);
    }

    @Test
    void onlyBrokenProvidersListEveryReason() throws IOException {
        List<BackendInfo> found = LockBackends.list(loaderWith(Exploding.class.getName(), Unusable.class.getName()));
        BackendSelectionException e = assertThrows(BackendSelectionException.class, () -> LockBackends.select(found, null));
        assertTrue(e.getMessage().contains("boom in constructor") && e.getMessage().contains("libc not loadable"),
                e.getMessage());
    }

    @Test
    void explicitUnknownChoiceThrowsAndListsWhatIsAvailable() throws IOException {
        List<BackendInfo> found = LockBackends.list(loaderWith(Alpha.class.getName()));
        BackendSelectionException e = assertThrows(BackendSelectionException.class, () -> LockBackends.select(found, "jnr"));
        assertTrue(e.getMessage().contains("'jnr'") && e.getMessage().contains("alpha"), e.getMessage());
    }

    @Test
    void explicitUnusableChoiceThrowsInsteadOfFallingBack() throws IOException {
        List<BackendInfo> found = LockBackends.list(loaderWith(Alpha.class.getName(), Unusable.class.getName()));
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> LockBackends.select(found, "NATIVE"));
        assertTrue(e.getMessage().contains("libc not loadable"), e.getMessage());
    }

    @Test
    void systemPropertyChoiceIsHonoured() {
        String old = System.getProperty(LockBackends.BACKEND_PROPERTY);
        System.setProperty(LockBackends.BACKEND_PROPERTY, "nosuchbackend");
        try {
            BackendSelectionException e = assertThrows(BackendSelectionException.class, LockBackends::select);
            assertTrue(e.getMessage().contains("'nosuchbackend'"), e.getMessage());
            assertThrows(BackendSelectionException.class, PathLocker::create);
        } finally {
            if (old == null) {
                System.clearProperty(LockBackends.BACKEND_PROPERTY);
            } else {
                System.setProperty(LockBackends.BACKEND_PROPERTY, old);
            }
        }
    }

    @Test
    void selectionAsksLowerPrioritiesOnlyWhenNeeded() throws IOException {
        ClassLoader loader = loaderWith(Counting.class.getName(), Exploding.class.getName(), Alpha.class.getName());
        Counting.ASKED.set(0);
        assertEquals("alpha", LockBackends.select(loader, null).id());
        assertEquals(0, Counting.ASKED.get(), "a lower-priority backend must not be probed when a better one is usable");
        assertEquals("counting", LockBackends.select(loader, "counting").id());
        assertEquals(1, Counting.ASKED.get());
    }

    @Test
    void lazySelectionStillReportsEveryReason() throws IOException {
        ClassLoader loader = loaderWith(Exploding.class.getName(), Unusable.class.getName());
        BackendSelectionException e = assertThrows(BackendSelectionException.class, () -> LockBackends.select(loader, null));
        assertTrue(e.getMessage().contains("boom in constructor") && e.getMessage().contains("libc not loadable"),
                e.getMessage());
        e = assertThrows(BackendSelectionException.class, () -> LockBackends.select(loader, "native"));
        assertTrue(e.getMessage().contains("libc not loadable"), e.getMessage());
        e = assertThrows(BackendSelectionException.class, () -> LockBackends.select(loader, "jnr"));
        assertTrue(e.getMessage().contains("'jnr'") && e.getMessage().contains("native"), e.getMessage());
    }

    @Test
    void unusableInstanceCannotBackALocker() {
        assertThrows(BackendSelectionException.class, () -> PathLocker.create(LockOptions.defaults(), new Unusable()));
        assertFalse(new Unusable().availability().usable());
    }

    @Test
    void anyThrowableFromOneProviderLeavesTheOthersUsable() throws IOException {
        ClassLoader loader = loaderWith(Recursing.class.getName(), Overflowing.class.getName(),
                ErrorAvailability.class.getName(), ErrorConstructor.class.getName(), Unusable.class.getName(),
                Alpha.class.getName());
        Recursing.loader = loader;
        List<BackendInfo> found = LockBackends.list(loader);
        assertEquals(6, found.size(), found.toString());
        assertEquals("alpha", found.get(0).id(), found.toString());
        assertEquals(1, found.stream().filter(BackendInfo::usable).count(), found.toString());
        String all = found.toString();
        assertTrue(all.contains("StackOverflowError"), all);
        assertTrue(all.contains("com/example/Native"), all);
        assertTrue(all.contains("assertion in constructor"), all);
        assertTrue(all.contains(Recursing.class.getName()), all);
        assertEquals("alpha", LockBackends.select(loader, null).id());
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> LockBackends.select(loader, "recursing"));
        assertTrue(e.getMessage().contains("recursing"), e.getMessage());
    }

    @Test
    void aDelegateAskingDiscoveryForItselfIsStoppedAtOnce() throws IOException {
        ClassLoader loader = loaderWith(Recursing.class.getName(), Unusable.class.getName());
        Recursing.loader = loader;
        List<BackendInfo> found = LockBackends.list(loader);
        BackendInfo recursing = found.stream().filter(b -> b.className().equals(Recursing.class.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("not listed: " + found));
        assertFalse(recursing.usable(), recursing.toString());
        assertFalse(recursing.availability().reason().contains("StackOverflowError"),
                "the recursion must be stopped before the stack overflows: " + recursing.availability().reason());
    }
}
