package io.github.astlock.voicemail;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of a {@link VoicemailSpool}. The defaults suit a service running next to
 * Asterisk as Asterisk's user:
 *
 * <pre>{@code
 * VoicemailOptions options = VoicemailOptions.builder()
 *         .recoverOnOpen(true)           // default
 *         .actOnFirstDuplicate(false)    // default: refuse ambiguous ids
 *         .build();
 * }</pre>
 */
public final class VoicemailOptions {

    private final Path journalDirectory;
    private final boolean recoverOnOpen;
    private final boolean actOnFirstDuplicate;
    private final int displayReadAttempts;
    private final int txtPermissions;
    private final boolean deleteCacheFiles;
    private final boolean flushToDisk;
    private final CommitListener commitListener;

    private VoicemailOptions(Builder b) {
        this.flushToDisk = b.flushToDisk;
        this.journalDirectory = b.journalDirectory;
        this.recoverOnOpen = b.recoverOnOpen;
        this.actOnFirstDuplicate = b.actOnFirstDuplicate;
        this.displayReadAttempts = b.displayReadAttempts;
        this.txtPermissions = b.txtPermissions;
        this.deleteCacheFiles = b.deleteCacheFiles;
        this.commitListener = b.commitListener;
    }

    /**
     * Returns the defaults.
     *
     * @return the default options
     */
    public static VoicemailOptions defaults() {
        return builder().build();
    }

    /**
     * Starts from the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns where journals of changes in progress are kept; empty means in each mailbox's
     * {@code tmp/} directory, under names Asterisk never reads.
     *
     * @return the journal directory
     */
    public Optional<Path> journalDirectory() {
        return Optional.ofNullable(journalDirectory);
    }

    /**
     * Returns whether opening a spool runs {@link VoicemailSpool#recover()}.
     *
     * @return {@code true} by default
     */
    public boolean recoverOnOpen() {
        return recoverOnOpen;
    }

    /**
     * Returns whether a message id carried by several messages of one folder selects the first
     * of them, as Asterisk does, instead of failing with {@link AmbiguousMessageIdException}.
     *
     * @return {@code false} by default
     */
    public boolean actOnFirstDuplicate() {
        return actOnFirstDuplicate;
    }

    /**
     * Returns how often an unlocked listing is retried when a file changes while it is read.
     *
     * @return the attempts, 5 by default
     */
    public int displayReadAttempts() {
        return displayReadAttempts;
    }

    /**
     * Returns the permission bits of a delivered {@code .txt}; Asterisk uses {@code 0666}
     * regardless of the umask, so that any user of the group can rename and remove it.
     *
     * @return the permissions, {@code 0666} by default
     */
    public int txtPermissions() {
        return txtPermissions;
    }

    /**
     * Returns whether deleting a message also removes FreePBX's {@code msgNNNN_<sha1>.*} caches
     * of it.
     *
     * @return {@code false} by default
     */
    public boolean deleteCacheFiles() {
        return deleteCacheFiles;
    }

    /**
     * Returns whether every staged file, journal and directory change is flushed to disk
     * ({@code fsync}) before the next step, so that a power loss cannot undo a committed message
     * or leave a renamed file without its content.
     *
     * @return {@code true} by default
     */
    public boolean flushToDisk() {
        return flushToDisk;
    }

    /**
     * Returns the listener told about each committed change.
     *
     * @return the listener; empty by default
     */
    public Optional<CommitListener> commitListener() {
        return Optional.ofNullable(commitListener);
    }

    @Override
    public String toString() {
        return "VoicemailOptions[journal=" + (journalDirectory == null ? "mailbox tmp/" : journalDirectory)
                + ", recoverOnOpen=" + recoverOnOpen + ", actOnFirstDuplicate=" + actOnFirstDuplicate
                + ", displayReadAttempts=" + displayReadAttempts + ", txtPermissions=0"
                + Integer.toOctalString(txtPermissions) + ", deleteCacheFiles=" + deleteCacheFiles
                + ", flushToDisk=" + flushToDisk + "]";
    }

    /** Builds {@link VoicemailOptions}. Not thread-safe. */
    public static final class Builder {
        private Path journalDirectory;
        private boolean recoverOnOpen = true;
        private boolean actOnFirstDuplicate;
        private int displayReadAttempts = 5;
        private int txtPermissions = 0666;
        private boolean deleteCacheFiles;
        private boolean flushToDisk = true;
        private CommitListener commitListener;

        private Builder() {
        }

        /**
         * Sets whether writes are flushed to disk. Turning it off makes changes much faster on
         * slow disks, and keeps every guarantee except against a power loss or kernel crash; a
         * crash of the JVM alone is still recovered. Meant for tests and scratch spools.
         *
         * @param value {@code false} to leave flushing to the operating system
         * @return this builder
         */
        public Builder flushToDisk(boolean value) {
            this.flushToDisk = value;
            return this;
        }

        /**
         * Keeps journals in one directory instead of each mailbox's {@code tmp/}. It must be on the
         * same host; it need not be on the spool's file system.
         *
         * @param dir the directory, created when missing
         * @return this builder
         */
        public Builder journalDirectory(Path dir) {
            this.journalDirectory = Objects.requireNonNull(dir, "journalDirectory").toAbsolutePath();
            return this;
        }

        /**
         * Sets whether opening a spool finishes or undoes interrupted changes.
         *
         * @param value {@code true} to recover on open
         * @return this builder
         */
        public Builder recoverOnOpen(boolean value) {
            this.recoverOnOpen = value;
            return this;
        }

        /**
         * Sets whether an id carried by several messages of a folder selects the first one.
         *
         * @param value {@code true} to act like Asterisk
         * @return this builder
         */
        public Builder actOnFirstDuplicate(boolean value) {
            this.actOnFirstDuplicate = value;
            return this;
        }

        /**
         * Sets how often an unlocked listing is retried.
         *
         * @param attempts 1 or more
         * @return this builder
         */
        public Builder displayReadAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("displayReadAttempts: must be at least 1, was " + attempts);
            }
            this.displayReadAttempts = attempts;
            return this;
        }

        /**
         * Sets the permission bits of delivered {@code .txt} files.
         *
         * @param mode for example {@code 0660}
         * @return this builder
         */
        public Builder txtPermissions(int mode) {
            if ((mode & ~0777) != 0) {
                throw new IllegalArgumentException("txtPermissions: only permission bits, was 0"
                        + Integer.toOctalString(mode));
            }
            this.txtPermissions = mode;
            return this;
        }

        /**
         * Sets whether deleting also removes FreePBX's {@code msgNNNN_<sha1>.*} caches.
         *
         * @param value {@code true} to remove them
         * @return this builder
         */
        public Builder deleteCacheFiles(boolean value) {
            this.deleteCacheFiles = value;
            return this;
        }

        /**
         * Sets a listener told about each committed change, outside the folder locks.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder commitListener(CommitListener listener) {
            this.commitListener = Objects.requireNonNull(listener, "commitListener");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public VoicemailOptions build() {
            return new VoicemailOptions(this);
        }
    }
}
