package io.github.astlock.voicemail;

/**
 * The caller's input cannot be written safely: a value Asterisk would misread (a line break,
 * NUL, a block-comment marker), a missing or extra audio format, a bad message id, or an
 * operation Asterisk does not allow (such as a move from {@code Deleted} to itself). Nothing was
 * written.
 */
public class InvalidMessageException extends VoicemailException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail  what is wrong
     * @param mailbox the mailbox, or {@code null}
     * @param folder  the folder, or {@code null}
     * @param msgId   the message id, or {@code null}
     */
    public InvalidMessageException(String detail, Mailbox mailbox, Folder folder, String msgId) {
        super(detail, mailbox, folder, msgId, null, null, null);
    }
}
