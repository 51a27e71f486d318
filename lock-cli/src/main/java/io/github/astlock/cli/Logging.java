package io.github.astlock.cli;

/**
 * Configures slf4j-simple, the command's logging binding, through its system properties. They
 * are read once, when the first logger is made, so this must run before any astlock class logs.
 * A property already set on the command line ({@code -Dorg.slf4j.simpleLogger...}) is kept.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    /** Log levels the command line can choose. */
    enum Level {
        /** The default: warnings and errors. */
        WARN,
        /** {@code -v}: also which backend and mode were chosen. */
        INFO,
        /** {@code --debug}: everything. */
        DEBUG
    }

    private Logging() {
    }

    /**
     * Sets the properties: output to standard error, no thread name or time stamp, the level in
     * brackets, short logger names. At the default level the library's own report of a lock
     * failure is left out, because the command reports every failure itself.
     *
     * @param level the chosen level
     */
    static void configure(Level level) {
        String defaultLevel = level.name().toLowerCase(java.util.Locale.ROOT);
        if (level == Level.WARN) {
            setIfAbsent("defaultLogLevel", "warn");
            // PathLocker logs each timeout and lost lock at WARN; astlock prints them itself
            setIfAbsent("log.io.github.astlock.PathLocker", "error");
            // break-stale prints what it broke itself
            setIfAbsent("log.io.github.astlock.internal.LockfileProtocol", "error");
        } else {
            System.setProperty(PREFIX + "defaultLogLevel", defaultLevel);
        }
        setIfAbsent("logFile", "System.err");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showDateTime", "false");
        setIfAbsent("levelInBrackets", "true");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("warnLevelString", "WARN");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
