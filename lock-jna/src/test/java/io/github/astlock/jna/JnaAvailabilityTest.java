package io.github.astlock.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import io.github.astlock.LockBackends;
import io.github.astlock.LockMode;
import io.github.astlock.spi.Availability;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's metadata and its refusal to run where it cannot, without ever throwing. */
class JnaAvailabilityTest {
    @TempDir
    Path dir;

    @Test
    void metadata() {
        JnaBackendProvider p = new JnaBackendProvider();
        assertEquals("jna", p.id());
        assertEquals(50, p.priority());
        assertEquals(Set.of(LockMode.LOCKFILE, LockMode.FLOCK), p.supportedModes());
        Availability a = p.availability();
        assertTrue(a.usable(), a.reason());
        assertTrue(a == p.availability(), "computed once");
        assertTrue(p.fileOps() == p.fileOps());
    }

    @Test
    void otherOperatingSystemsAreUnusableWithTheReason() {
        Optional<String> mac = NativeBinding.checkPlatform("Mac OS X", "aarch64");
        assertTrue(mac.isPresent());
        assertTrue(mac.get().contains("Linux only") && mac.get().contains("x86-64, aarch64")
                && mac.get().contains("Mac OS X"), mac.get());
        NativeBinding.Result r = NativeBinding.probe("FreeBSD", "amd64");
        assertFalse(r.availability().usable());
        assertEquals(null, r.ops());
    }

    @Test
    void unknownArchitecturesAreUnusableRatherThanGuessed() {
        for (String arch : List.of("s390x", "ppc64le", "arm", "x86", "i386", "loongarch64", "mips64el")) {
            Optional<String> why = NativeBinding.checkPlatform("Linux", arch);
            assertTrue(why.isPresent(), arch);
            assertTrue(why.get().contains("'" + arch + "'") && why.get().contains("supported on Linux: x86-64, aarch64"),
                    why.get());
        }
        for (String arch : List.of("amd64", "x86_64", "aarch64", "riscv64")) {
            assertEquals(Optional.empty(), NativeBinding.checkPlatform("Linux", arch), arch);
        }
    }

    @Test
    void openFlagTableIsPerArchitecture() {
        assertEquals(0400000, LinuxAbi.X86_64.oNofollow());
        assertEquals(0200000, LinuxAbi.X86_64.oDirectory());
        assertEquals(0100000, LinuxAbi.AARCH64.oNofollow());
        assertEquals(040000, LinuxAbi.AARCH64.oDirectory());
        assertEquals(0400000, LinuxAbi.RISCV64.oNofollow());
        // O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC|O_NOFOLLOW and O_WRONLY|O_CREAT|O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK
        assertEquals(02400301, LinuxAbi.X86_64.createExclusiveFlags());
        assertEquals(02404101, LinuxAbi.X86_64.openForFlockFlags());
        assertEquals(02100301, LinuxAbi.AARCH64.createExclusiveFlags());
        assertEquals(02104101, LinuxAbi.AARCH64.openForFlockFlags());
        assertEquals(LinuxAbi.AARCH64, LinuxAbi.forArch("aarch64").orElseThrow());
        assertEquals(LinuxAbi.X86_64, LinuxAbi.forArch("amd64").orElseThrow());
    }

    @Test
    void theKernelConfirmsOurONofollowAndRejectsTheOtherArchitecturesValue() {
        LinuxAbi here = LinuxAbi.forArch(System.getProperty("os.arch")).orElseThrow();
        LinuxAbi other = here.oNofollow() == LinuxAbi.X86_64.oNofollow() ? LinuxAbi.AARCH64 : LinuxAbi.X86_64;
        LibC libc = TestSupport.libc();
        assertEquals(" (O_NOFOLLOW verified)", NativeBinding.checkNofollow(libc, here));
        String wrong = NativeBinding.checkNofollow(libc, other);
        assertTrue(wrong.startsWith("!") && wrong.contains("O_NOFOLLOW"), wrong);
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static List<String> classPath(boolean withJna) throws Exception {
        List<String> cp = new ArrayList<>(List.of(location(JnaBackendProvider.class), location(ProbeMain.class),
                location(LockBackends.class), location(org.slf4j.LoggerFactory.class),
                location(org.slf4j.simple.SimpleLogger.class)));
        if (withJna) {
            cp.add(location(Native.class));
        }
        return cp;
    }

    private static String probe(List<String> jvmOptions, boolean withJna) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TestSupport.java(), "-cp", String.join(File.pathSeparator, classPath(withJna))));
        cmd.addAll(jvmOptions);
        cmd.add(ProbeMain.class.getName());
        return TestSupport.output(0, cmd);
    }

    @Test
    void unloadableJnidispatchIsReportedNotThrown() throws Exception {
        String out = probe(List.of("-Djna.nosys=true", "-Djna.noclasspath=true",
                "-Djna.boot.library.path=" + dir.resolve("nowhere")), true);
        assertTrue(out.contains("direct: Availability[usable=false, reason=the JNA native dispatch library (jnidispatch) "
                + "cannot be loaded"), out);
        assertTrue(out.contains("cached: true"), out);
        assertTrue(out.contains("found: jna (") && out.contains("UNUSABLE - the JNA native dispatch library (jnidispatch) "
                + "cannot be loaded: java.lang.UnsatisfiedLinkError: Unable to locate JNA native support library"),
                "every instance reports the original cause: " + out);
        assertTrue(out.contains("refused: BackendSelectionException: backend 'jna' was asked for but cannot run here"), out);
        assertTrue(out.contains("fileOps refused: the jna backend is not usable here"), out);
    }

    @Test
    void missingJnaJarIsReportedNotThrown() throws Exception {
        String out = probe(List.of(), false);
        assertTrue(out.contains("direct: Availability[usable=false, reason=JNA is not on the class path"), out);
        assertTrue(out.contains("refused: BackendSelectionException"), out);
    }

    @Test
    void theSameChildJvmWithJnaIsUsable() throws Exception {
        // the control for the two tests above: their failure is caused by what they remove
        String out = probe(List.of(), true);
        assertTrue(out.contains("direct: Availability[usable=true"), out);
        assertTrue(out.contains("selected"), out);
        assertTrue(out.contains("fileOps returned"), out);
    }

    @Test
    void worksFromTheModulePath() throws Exception {
        String modulePath = Stream.of(location(JnaBackendProvider.class), location(LockBackends.class),
                location(Native.class), location(org.slf4j.LoggerFactory.class))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = List.of(TestSupport.java(), "--module-path", modulePath,
                "--add-modules", "io.github.astlock.jna", "--enable-native-access=com.sun.jna",
                "-cp", location(ProbeMain.class), "io.github.astlock.jna.modcheck.ModuleMain", dir.toString());
        String out = TestSupport.output(0, cmd);
        assertTrue(out.contains("module: io.github.astlock.jna"), out);
        assertTrue(out.contains("availability: Availability[usable=true"), out);
        assertTrue(out.contains("flock: true") && out.contains("fstat: REGULAR nlink 1"), out);
        assertTrue(out.contains("locked LOCKFILE with jna") && out.contains("locked FLOCK with jna"), out);
        assertTrue(out.contains("OK"), out);
        assertNotEquals(-1, out.indexOf("OK"));
    }
}
