package io.github.astlock.cli;

/** {@code asterisk.conf} exists but cannot be read, so {@code --mode auto} cannot decide (exit 78). */
final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
