package io.github.astlock.spi;

import java.nio.charset.Charset;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Turns a {@link Path} into the string a native binding passes to C, for backends that call C
 * with a {@code String} (JNA, jnr-ffi). A path's text is not always its name: java.nio keeps the
 * raw bytes of a file name, but {@link Path#toString()} decodes them with the platform's
 * file-name encoding ({@code sun.jnu.encoding}), replacing bytes that are not valid in it (a
 * Latin-1 {@code é} under UTF-8) with {@code U+FFFD}, and a binding then encodes the text with
 * its own charset. Either step may name another file than the caller's. This class refuses such
 * a path with an {@link ErrnoException} naming it, so that a backend never locks a different
 * folder than the one it was given:
 * <ul>
 * <li>{@code EINVAL}: a path of another file system than the default one, or one containing NUL
 *     (which C would cut short);</li>
 * <li>{@code EILSEQ}: a name whose bytes do not survive the round trip through its text, or
 *     whose text the binding's charset would encode to other bytes than the platform's.</li>
 * </ul>
 * A path of plain ASCII text always passes unchanged.
 */
public final class NativePath {
    private static final Charset JNU_CHARSET = jnuCharset();
    /** The error for a name that cannot be handed to C as text. */
    private static final Errno EILSEQ = new Errno("EILSEQ", 84, "Invalid or incomplete multibyte or wide character");

    private NativePath() {
    }

    /**
     * The path's text, checked to name exactly the file {@code path} names when encoded with
     * {@code bindingCharset}.
     *
     * @param op             the system call, for the error
     * @param path           the path
     * @param other          the second path of the call, for the error; may be {@code null}
     * @param bindingCharset the charset the native binding encodes strings with
     * @return the text to pass to C
     * @throws ErrnoException {@code EINVAL} or {@code EILSEQ} as described in the class comment
     */
    public static String text(String op, Path path, Path other, Charset bindingCharset) throws ErrnoException {
        String s = path.toString();
        if (s.indexOf('\0') >= 0) {
            throw new ErrnoException(op, path, other, new Errno(Errno.EINVAL.name(), Errno.EINVAL.number(),
                    "path contains a NUL character"), null);
        }
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new ErrnoException(op, path, other, new Errno(Errno.EINVAL.name(), Errno.EINVAL.number(),
                    "not a path of the default file system"), null);
        }
        if (isAscii(s)) {
            return s;
        }
        if (!FileSystems.getDefault().getPath(s).equals(path)) {
            throw new ErrnoException(op, path, other, new Errno(EILSEQ.name(), EILSEQ.number(),
                    "the name is not valid in the file-name encoding of this JVM (" + JNU_CHARSET
                    + "); it is refused rather than naming another file. Run the JVM under a locale whose "
                    + "encoding fits the name (LC_ALL), or use the nio backend"), null);
        }
        if (!bindingCharset.equals(JNU_CHARSET) && !Arrays.equals(s.getBytes(bindingCharset), s.getBytes(JNU_CHARSET))) {
            throw new ErrnoException(op, path, other, new Errno(EILSEQ.name(), EILSEQ.number(),
                    "the native binding would encode the name as " + bindingCharset + ", java.nio as " + JNU_CHARSET
                    + "; it is refused rather than naming another file"), null);
        }
        return s;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static Charset jnuCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
