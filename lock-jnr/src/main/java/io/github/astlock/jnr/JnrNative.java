package io.github.astlock.jnr;

import io.github.astlock.jnr.calls.JnrAtCalls;
import io.github.astlock.spi.Availability;
import io.github.astlock.spi.ErrnoException;
import io.github.astlock.spi.FileStat;
import io.github.astlock.spi.FileType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Loads jnr-posix's native layer and checks it, once. Kept apart from
 * {@link JnrBackendProvider} so that the provider class itself never links against jnr-posix:
 * when the jnr jars are missing or broken, only the call into this class fails, and the provider
 * reports the failure instead of failing to load.
 */
final class JnrNative {

    /**
     * {@code O_CLOEXEC} on Linux: {@code 02000000} on x86-64 and AArch64 (and every other
     * architecture using the generic {@code fcntl.h}); used only if jnr-constants does not define
     * {@link OpenFlags#O_CLOEXEC} for this platform.
     */
    static final int LINUX_O_CLOEXEC = 02000000;

    /** The outcome of loading: the availability, and the operations when usable. */
    static final class Probe {
        final Availability availability;
        final JnrFileOps ops;

        Probe(Availability availability, JnrFileOps ops) {
            this.availability = availability;
            this.ops = ops;
        }

        static Probe unusable(String reason) {
            return new Probe(Availability.unusable(reason), null);
        }
    }

    private JnrNative() {
    }

    /**
     * Loads the native POSIX layer with {@link POSIXFactory#getNativePOSIX(jnr.posix.POSIXHandler)}
     * (never {@code getPOSIX()}, which silently falls back to the Java emulation) and checks it.
     *
     * @return the probe outcome; never throws for a native-loading problem
     */
    static Probe probe() {
        return probe(System.getProperty("os.name", "unknown"),
                () -> POSIXFactory.getNativePOSIX(new StrictPosixHandler()));
    }

    /**
     * The check, with the operating system and the loader as parameters so tests can exercise
     * the refusals (for example a loader returning jnr-posix's Java emulation).
     *
     * @param osName the {@code os.name} to check
     * @param loader supplies the POSIX layer; may throw
     * @return the outcome
     */
    static Probe probe(String osName, Supplier<POSIX> loader) {
        String platform = osName + " " + System.getProperty("os.arch", "unknown");
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Probe.unusable("the jnr backend supports Linux only (it uses Linux errno numbers, "
                    + "open(2) flags and flock(2) semantics); this is " + platform);
        }
        POSIX posix;
        try {
            posix = loader.get();
        } catch (Throwable t) {
            return Probe.unusable("jnr-posix could not load its native layer (POSIXFactory.getNativePOSIX() failed; "
                    + "the jnr backend never runs on jnr-posix's Java emulation): " + describe(t));
        }
        if (posix == null) {
            return Probe.unusable("jnr-posix has no native layer for " + platform);
        }
        if (!posix.isNative()) {
            return Probe.unusable("jnr-posix returned a non-native implementation (" + posix.getClass().getName()
                    + "); its Java emulation shells out to ln for link, follows symbolic links in lstat and has "
                    + "no flock, so the jnr backend refuses it");
        }
        int[] flags = new int[5];
        OpenFlags[] wanted = {OpenFlags.O_WRONLY, OpenFlags.O_CREAT, OpenFlags.O_EXCL, OpenFlags.O_NOFOLLOW,
                              OpenFlags.O_NONBLOCK};
        for (int i = 0; i < wanted.length; i++) {
            if (!wanted[i].defined()) {
                return Probe.unusable("jnr-constants does not define " + wanted[i].name() + " for " + platform);
            }
            flags[i] = wanted[i].intValue();
        }
        int cloexec = OpenFlags.O_CLOEXEC.defined() ? OpenFlags.O_CLOEXEC.intValue() : LINUX_O_CLOEXEC;
        if (!OpenFlags.O_DIRECTORY.defined()) {
            return Probe.unusable("jnr-constants does not define O_DIRECTORY for " + platform);
        }
        JnrFileOps ops = new JnrFileOps(posix, JnrAtCalls.load(), flags[0], flags[1], flags[2], flags[3], flags[4],
                cloexec,
                OpenFlags.O_DIRECTORY.intValue());
        String problem;
        try {
            problem = selfCheck(ops);
        } catch (Throwable t) {
            problem = "a test call failed: " + describe(t);
        }
        if (problem != null) {
            return Probe.unusable("jnr-posix's native layer loaded but does not work correctly here: " + problem);
        }
        return new Probe(Availability.usable("jnr-posix " + version("jnr-posix") + " (jnr-ffi " + version("jnr-ffi")
                + ", jffi " + version("jffi") + "), native " + posix.getClass().getSimpleName()
                + (ops.hasAtCalls() ? " and *at calls" : "") + " on " + platform
                + ", Java " + Runtime.version()), ops);
    }

    /**
     * Checks that {@code struct stat} is read with the right layout (by comparing with java.nio)
     * and that {@code errno} reaches us.
     *
     * @return {@code null} when fine, otherwise the problem
     */
    private static String selfCheck(JnrFileOps ops) throws ErrnoException, IOException {
        Path root = Path.of("/");
        FileStat st = ops.lstat(root).orElse(null);
        if (st == null || st.type() != FileType.DIRECTORY) {
            return "lstat(\"/\") did not report a directory: " + st;
        }
        Map<String, Object> nio = Files.readAttributes(root, "unix:dev,ino,mode", LinkOption.NOFOLLOW_LINKS);
        if (st.dev() != (Long) nio.get("dev") || st.ino() != (Long) nio.get("ino")
                || st.mode() != ((Integer) nio.get("mode") & 07777)) {
            return "lstat(\"/\") gave dev " + st.dev() + ", ino " + st.ino() + ", mode 0" + Integer.toOctalString(st.mode())
                    + " but java.nio reports " + nio + " (struct stat layout mismatch)";
        }
        Path missing = root.resolve(".astlock-jnr-probe-" + Long.toHexString(System.nanoTime()) + "-absent");
        Optional<FileStat> none;
        try {
            none = ops.lstat(missing);
        } catch (ErrnoException e) {
            return "lstat of a missing file reported " + e.errno() + " instead of ENOENT (errno is not passed through)";
        }
        if (none.isPresent() && Files.notExists(missing, LinkOption.NOFOLLOW_LINKS)) {
            return "lstat of a missing file " + missing + " reported success";
        }
        return null;
    }

    /**
     * The Maven version of one of the jnr artifacts, from its {@code pom.properties}.
     *
     * @param artifactId for example {@code jnr-posix}
     * @return the version, or {@code "?"} when it cannot be read
     */
    static String version(String artifactId) {
        ClassLoader loader = POSIX.class.getClassLoader();
        String resource = "META-INF/maven/com.github.jnr/" + artifactId + "/pom.properties";
        try (InputStream in = loader != null ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            if (in == null) {
                return "?";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "?");
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * A throwable and its causes on one line, for a reason text.
     *
     * @param t the throwable
     * @return for example {@code java.lang.UnsatisfiedLinkError: ...; caused by ...}
     */
    static String describe(Throwable t) {
        StringBuilder b = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c) && seen.size() <= 6; c = c.getCause()) {
            if (b.length() > 0) {
                b.append("; caused by ");
            }
            b.append(c);
        }
        return b.toString();
    }
}
