package io.github.astlock.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.BackendSelectionException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child JVMs whose native loading is broken on purpose. The backend must report itself unusable
 * with the loader's own error text, and an explicit choice of {@code jnr} must throw
 * {@link BackendSelectionException} naming it - where {@code POSIXFactory.getPOSIX()} would
 * have carried on with the Java emulation (the child shows that too).
 */
class JnrNativeLoadingFailureTest {
    @TempDir
    Path tmp;

    private TestSupport.Result child(String... jvmOptions) throws Exception {
        List<String> cmd = TestSupport.javaCommand(jvmOptions);
        cmd.add(ChildMain.class.getName());
        cmd.add("availability");
        return TestSupport.run(120, cmd);
    }

    private static void assertUnusable(TestSupport.Result r, String loaderText) {
        assertEquals(0, r.exit, r.toString());
        assertEquals("false", r.value("usable"), r.toString());
        String reason = r.value("reason");
        assertTrue(reason.contains("getNativePOSIX") && reason.contains(loaderText), r.toString());
        assertEquals(BackendSelectionException.class.getName(), r.value("create"), r.toString());
        String message = r.value("message");
        assertTrue(message.contains("'jnr'") && message.contains(loaderText), r.toString());
        assertEquals(IllegalStateException.class.getName(), r.value("fileOps"), r.toString());
        assertEquals("false", r.value("getPOSIX.isNative"), "the pitfall we avoid: getPOSIX() falls back silently");
    }

    @Test
    void controlChildIsUsable() throws Exception {
        TestSupport.Result r = child();
        assertEquals(0, r.exit, r.toString());
        assertEquals("true", r.value("usable"), r.toString());
        assertEquals("ok jnr", r.value("create"), r.toString());
        assertEquals("true", r.value("getPOSIX.isNative"), r.toString());
    }

    /** jffi cannot extract its native stub (as on a read-only or noexec temporary directory). */
    @Test
    void jffiStubThatCannotBeExtracted() throws Exception {
        Path missing = tmp.resolve("does-not-exist");
        TestSupport.Result r = child("-Djffi.extract.dir=" + missing);
        assertUnusable(r, "could not load jffi library from " + missing);
    }

    /** jnr-ffi is told to use a provider class that does not exist. */
    @Test
    void jnrFfiProviderThatDoesNotExist() throws Exception {
        TestSupport.Result r = child("-Djnr.ffi.provider=io.github.astlock.jnr.NoSuchFfiProvider");
        assertUnusable(r, "could not load FFI provider io.github.astlock.jnr.NoSuchFfiProvider");
    }

    /**
     * A write that fails half-way (RLIMIT_FSIZE: the first write(2) is short, the next fails with
     * EFBIG) is reported as EFBIG and the half-written file is removed.
     */
    @Test
    void failedWriteIsReportedAndTheFileRemoved() throws Exception {
        // jffi extracts its stub to a temporary file, which the file size limit would also stop:
        // hand it the library already extracted.
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        URL so = ClassLoader.getSystemResource("jni/" + arch + "-Linux/libjffi-1.2.so");
        assertNotNull(so, "jffi native library for " + arch);
        Path lib = Files.createDirectory(tmp.resolve("lib"));
        try (InputStream in = so.openStream()) {
            Files.copy(in, lib.resolve("libjffi-1.2.so"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path big = tmp.resolve("big");
        Path small = tmp.resolve("small");
        TestSupport.Result failed = limited(lib, big, 100_000);
        assertEquals("EFBIG op write", failed.value("result"), failed.toString());
        assertEquals("false", failed.value("exists"), "half-written file removed");
        assertEquals("0", failed.value("fdDelta"), "descriptor closed on the failure path");
        TestSupport.Result ok = limited(lib, small, 500);
        assertEquals("created size 500", ok.value("result"), ok.toString());
        assertEquals("0", ok.value("fdDelta"));
    }

    private static TestSupport.Result limited(Path lib, Path file, int size) throws Exception {
        List<String> java = TestSupport.javaCommand("-Djffi.boot.library.path=" + lib, "-Xshare:off");
        java.add(ChildMain.class.getName());
        java.add("write-failure");
        java.add(file.toString());
        java.add(Integer.toString(size));
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -f 1 && exec \"$@\"", "sh"));
        cmd.addAll(java);
        TestSupport.Result r = TestSupport.run(120, cmd);
        assertEquals(0, r.exit, r.toString());
        return r;
    }
}
