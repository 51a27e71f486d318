package io.github.astlock.cli;

import java.io.PrintWriter;

/**
 * Where a command writes: results to {@code out}, messages to {@code err}. Every message of
 * astlock itself starts with {@code astlock:}; {@code -v} adds informational ones.
 */
final class Io {
    final PrintWriter out;
    final PrintWriter err;
    /** Whether {@code err} is a terminal, so a progress line may be rewritten in place. */
    final boolean errIsTerminal;
    private volatile Logging.Level level = Logging.Level.WARN;

    Io(PrintWriter out, PrintWriter err, boolean errIsTerminal) {
        this.out = out;
        this.err = err;
        this.errIsTerminal = errIsTerminal;
    }

    void level(Logging.Level level) {
        this.level = level;
    }

    boolean debug() {
        return level == Logging.Level.DEBUG;
    }

    boolean verbose() {
        return level != Logging.Level.WARN;
    }

    /** Prints an informational message when {@code -v} or {@code --debug} was given. */
    void info(String message) {
        if (verbose()) {
            line("astlock: " + message);
        }
    }

    /** Prints a warning. */
    void warn(String message) {
        line("astlock: warning: " + message);
    }

    /** Prints an error. */
    void error(String message) {
        line("astlock: " + message);
    }

    private void line(String text) {
        synchronized (err) {
            err.println(text);
            err.flush();
        }
    }
}
