package io.github.astlock.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.BackendInfo;
import io.github.astlock.LockBackends;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import io.github.astlock.spi.LockBackendProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery, metadata, the refusals of the availability check and full lock round trips. */
class JnrProviderTest {
    @TempDir
    Path dir;

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void isDiscoveredByServiceLoaderAndChosen() {
        List<String> classes = ServiceLoader.load(LockBackendProvider.class).stream()
                .map(p -> p.type().getName()).collect(Collectors.toList());
        assertEquals(List.of(JnrBackendProvider.class.getName()), classes);
        List<BackendInfo> found = LockBackends.list();
        assertEquals(1, found.size());
        BackendInfo jnr = found.get(0);
        assertEquals("jnr", jnr.id());
        assertEquals(40, jnr.priority());
        assertTrue(jnr.usable(), jnr.availability().reason());
        assertEquals(Set.of(LockMode.LOCKFILE, LockMode.FLOCK), jnr.modes());
        assertEquals("jnr", LockBackends.select().id());
    }

    @Test
    void usableDetailNamesVersionsAndArchitecture() {
        JnrBackendProvider p = new JnrBackendProvider();
        String reason = p.availability().reason();
        assertTrue(p.availability().usable(), reason);
        assertTrue(reason.contains("jnr-posix 3.1.20"), reason);
        assertTrue(reason.contains(System.getProperty("os.arch")), reason);
        assertTrue(reason.contains("LinuxPOSIX"), reason);
        assertTrue(((JnrFileOps) p.fileOps()).posix().isNative());
        assertTrue(p.fileOps() == new JnrBackendProvider().fileOps(), "loaded once, shared");
    }

    @Test
    void refusesJnrPosixJavaEmulation() {
        JnrNative.Probe probe = JnrNative.probe("Linux", () -> POSIXFactory.getJavaPOSIX(new StrictPosixHandler()));
        assertFalse(probe.availability.usable());
        assertNull(probe.ops);
        assertTrue(probe.availability.reason().contains("non-native") && probe.availability.reason().contains("ln"),
                probe.availability.reason());
    }

    @Test
    void reportsANativeLoadingFailureWithItsText() {
        JnrNative.Probe probe = JnrNative.probe("Linux", () -> {
            throw new UnsatisfiedLinkError("could not load jffi stub: simulated");
        });
        assertFalse(probe.availability.usable());
        assertTrue(probe.availability.reason().contains("could not load jffi stub: simulated"), probe.availability.reason());
        assertTrue(probe.availability.reason().contains("getNativePOSIX"), probe.availability.reason());
    }

    @Test
    void isLinuxOnlyAndDoesNotEvenLoadElsewhere() {
        AtomicBoolean loaded = new AtomicBoolean();
        JnrNative.Probe probe = JnrNative.probe("Mac OS X", () -> {
            loaded.set(true);
            return POSIXFactory.getNativePOSIX(new StrictPosixHandler());
        });
        assertFalse(probe.availability.usable());
        assertTrue(probe.availability.reason().contains("Linux only") && probe.availability.reason().contains("Mac OS X"),
                probe.availability.reason());
        assertFalse(loaded.get());
    }

    @Test
    void lockfileRoundTrip() throws Exception {
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE).build(), "jnr");
        assertEquals("jnr", locker.backend().id());
        try (PathLock lock = locker.lock(dir)) {
            assertEquals(List.of(".lock"), names(), "temporary file removed");
            FileStat st = locker.backend().fileOps().lstat(dir.resolve(".lock")).orElseThrow();
            assertEquals(FileType.REGULAR, st.type());
            assertEquals(1, st.nlink());
            assertTrue(lock.isValid());
        }
        assertEquals(List.of(), names());
    }

    @Test
    void lockfileHeldByAShellLinkMakesUsTimeOut() throws Exception {
        Path other = Files.createFile(dir.resolve(".lock-0badc0de"));
        assertEquals(0, TestSupport.run(10, List.of("ln", other.toString(), dir.resolve(".lock").toString())).exit);
        Files.delete(other);
        PathLocker locker = PathLocker.create(LockOptions.builder().timeout(Duration.ofMillis(300)).build(), "jnr");
        assertThrows(LockTimeoutException.class, () -> locker.lock(dir));
        assertEquals(List.of(".lock"), names(), "the stranger's lock untouched, no temporary file left");
    }

    @Test
    void flockRoundTrip() throws Exception {
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.FLOCK).build(), "jnr");
        try (PathLock lock = locker.lock(dir)) {
            assertEquals(LockMode.FLOCK, lock.mode());
            assertEquals(List.of("lock"), names());
            lock.checkValid();
        }
        assertEquals(List.of("lock"), names(), "FLOCK leaves 'lock' in place");
        try (PathLock again = locker.lock(dir, Duration.ZERO)) {
            assertEquals("jnr", again.backendId());
        }
    }
}
