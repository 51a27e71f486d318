package io.github.astlock.cli;

import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether standard error is a terminal, to update the progress line in place. */
final class Terminal {
    private Terminal() {
    }

    /**
     * On Linux the answer comes from {@code /proc/self/fd/2} (a {@code /dev/pts/N} or
     * {@code /dev/ttyN} target), which looks at standard error itself. Elsewhere it falls back to
     * {@link System#console()}, which describes standard input and output, and on Java 22+ to
     * {@code Console.isTerminal()}, because since Java 22 {@code System.console()} is no longer
     * {@code null} when the streams are redirected.
     *
     * @return whether standard error is a terminal
     */
    static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            }
        } catch (IOException | RuntimeException e) {
            // fall back below
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // before Java 22 a console exists only on a terminal
        }
    }
}
