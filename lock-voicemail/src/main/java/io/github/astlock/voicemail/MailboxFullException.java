package io.github.astlock.voicemail;

import java.nio.file.Path;

/**
 * The destination folder has no room: it holds {@code maxmsg} messages, or the next message
 * number would reach {@code maxmsg}. Nothing was written.
 */
public class MailboxFullException extends VoicemailException {
    private static final long serialVersionUID = 1L;

    /** The message count found. */
    private final int count;
    /** The next free number found. */
    private final int nextIndex;
    /** The limit applied. */
    private final int limit;

    /**
     * Creates the exception.
     *
     * @param mailbox   the mailbox
     * @param folder    the folder
     * @param msgId     the message that did not fit, or {@code null}
     * @param folderDir the folder directory
     * @param count     messages in the folder
     * @param nextIndex the number the message would have had
     * @param limit     the limit ({@code maxmsg}, or {@code backupdeleted} for {@code Deleted})
     */
    public MailboxFullException(Mailbox mailbox, Folder folder, String msgId, Path folderDir, int count,
                                int nextIndex, int limit) {
        super("mailbox full: " + count + " messages, next number " + nextIndex + ", limit " + limit, mailbox,
                folder, msgId, folderDir, null, null);
        this.count = count;
        this.nextIndex = nextIndex;
        this.limit = limit;
    }

    /**
     * Returns the number of messages found in the folder.
     *
     * @return the count
     */
    public int count() {
        return count;
    }

    /**
     * Returns the number the next message would have had.
     *
     * @return highest message number + 1
     */
    public int nextIndex() {
        return nextIndex;
    }

    /**
     * Returns the limit that was applied.
     *
     * @return the limit
     */
    public int limit() {
        return limit;
    }
}
