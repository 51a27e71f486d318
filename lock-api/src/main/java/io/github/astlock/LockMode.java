package io.github.astlock;

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
    FLOCK("flock", "lock");

    private final String asteriskName;
    private final String lockFileName;

    LockMode(String asteriskName, String lockFileName) {
        this.asteriskName = asteriskName;
        this.lockFileName = lockFileName;
    }

    /** The spelling used by {@code asterisk.conf}: {@code lockfile} or {@code flock}. */
    public String asteriskName() {
        return asteriskName;
    }

    /** The name of the lock file inside the locked directory: {@code .lock} or {@code lock}. */
    public String lockFileName() {
        return lockFileName;
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
            if (m.asteriskName.equals(v)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * Parses a mode strictly: like {@link #fromAsteriskName(String)} but an unknown value is an
     * error.
     *
     * @param value the text, case-insensitive
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values when {@code value} is unknown
     */
    public static LockMode parse(String value) {
        return fromAsteriskName(value).orElseThrow(() -> new IllegalArgumentException(
                "mode: unknown lock mode '" + value + "'; expected 'lockfile' or 'flock'"));
    }
}
