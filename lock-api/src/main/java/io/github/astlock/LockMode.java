package io.github.astlock;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The way a directory is locked. Asterisk knows two modes, chosen once at start-up by
 * {@code [options] lockmode} in {@code asterisk.conf}; every party sharing a spool must use the
 * mode the running Asterisk uses, because the two modes never exclude each other.
 */
public enum LockMode {
    /**
     * Asterisk's default: a hard link named {@code .lock} inside the directory, made with
     * {@code link(2)} from a uniquely named temporary file. Works with every backend.
     */
    LOCKFILE("lockfile", ".lock"),

    /**
     * Asterisk's {@code lockmode=flock}: an exclusive {@code flock(2)} on a file named
     * {@code lock} (no leading dot) inside the directory. Needs a native backend, because
     * {@link java.nio.channels.FileChannel#lock()} uses {@code fcntl(2)} locks, which do not
     * exclude {@code flock(2)} on Linux.
     */
    FLOCK("flock", "lock"),

    /**
     * Both of Asterisk's locks, for a spool whose running Asterisk's mode is not known: first
     * FLOCK on {@code lock}, then LOCKFILE on {@code .lock}, released in reverse order. It
     * excludes an Asterisk in either mode. Not an Asterisk setting; needs a backend that
     * supports both modes.
     */
    BOTH("both", "lock", ".lock");

    private final String name;
    private final List<String> lockFileNames;

    LockMode(String name, String... lockFileNames) {
        this.name = name;
        this.lockFileNames = List.of(lockFileNames);
    }

    /**
     * The spelling of the mode: {@code lockfile} or {@code flock} as in {@code asterisk.conf},
     * or {@code both}.
     *
     * @return the lower-case name
     */
    public String asteriskName() {
        return name;
    }

    /**
     * Returns whether Asterisk itself can run in this mode (LOCKFILE and FLOCK, not BOTH).
     *
     * @return whether Asterisk itself can run in this mode (LOCKFILE and FLOCK, not BOTH)
     */
    public boolean isAsteriskMode() {
        return this != BOTH;
    }

    /**
     * The name of the (first) lock file inside the locked directory: {@code .lock} for LOCKFILE,
     * {@code lock} for FLOCK and BOTH.
     *
     * @return the file name
     */
    public String lockFileName() {
        return lockFileNames.get(0);
    }

    /**
     * Returns every lock file name of this mode, in the order they are taken.
     *
     * @return every lock file name of this mode, in the order they are taken
     */
    public List<String> lockFileNames() {
        return lockFileNames;
    }

    /**
     * Returns the single modes this mode is made of: itself, or FLOCK then LOCKFILE for BOTH.
     *
     * @return the single modes this mode is made of: itself, or FLOCK then LOCKFILE for BOTH
     */
    public List<LockMode> components() {
        return this == BOTH ? List.of(FLOCK, LOCKFILE) : List.of(this);
    }

    /**
     * Parses Asterisk's spelling of a mode the way Asterisk compares it: case-insensitive, with
     * surrounding white space ignored. Unlike Asterisk, an unknown value is reported as empty
     * instead of silently meaning {@link #LOCKFILE}; {@link AsteriskConfig} applies Asterisk's
     * fallback and records a warning.
     *
     * @param value the text, for example {@code "flock"} or {@code "LockFile"}
     * @return the mode, or empty when the value names neither mode
     */
    public static Optional<LockMode> fromAsteriskName(String value) {
        Objects.requireNonNull(value, "value");
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (LockMode m : values()) {
            if (m.isAsteriskMode() && m.name.equals(v)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * Parses a mode strictly, for command lines and configuration of our own: {@code lockfile},
     * {@code flock} or {@code both}, case-insensitive.
     *
     * @param value the text
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values when {@code value} is unknown
     */
    public static LockMode parse(String value) {
        String v = Objects.requireNonNull(value, "value").strip().toLowerCase(Locale.ROOT);
        for (LockMode m : values()) {
            if (m.name.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode: unknown lock mode '" + value
                + "'; expected 'lockfile', 'flock' or 'both'");
    }
}
