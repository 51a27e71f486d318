package io.github.astlock.voicemail;

import io.github.astlock.LockException;

/**
 * A folder could not be locked (for example Asterisk held it for the whole timeout) or a held
 * lock was lost before the change was committed. {@link #lockCause()} is the lock library's
 * exception, with the lock file and mode. Nothing was changed.
 */
public class VoicemailLockException extends VoicemailException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail  what was being done
     * @param mailbox the mailbox
     * @param folder  the folder
     * @param msgId   the message id, or {@code null}
     * @param cause   the lock failure
     */
    public VoicemailLockException(String detail, Mailbox mailbox, Folder folder, String msgId, LockException cause) {
        super(detail + ": " + cause.getMessage(), mailbox, folder, msgId, cause.directory(),
                cause.errno().orElse(null), cause);
    }

    /**
     * Returns the lock library's exception.
     *
     * @return the cause
     */
    public LockException lockCause() {
        return (LockException) getCause();
    }
}
