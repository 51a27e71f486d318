package io.github.astlock.voicemail.ami;

import io.github.astlock.voicemail.Mailbox;
import java.util.List;

/**
 * Asterisk could not be asked to refresh the message-waiting state of some mailboxes. The
 * changes on disk are committed all the same; only the lamps may be stale until the next refresh,
 * poll or {@code voicemail reload}.
 */
public class MwiRefreshException extends AmiException {

    private static final long serialVersionUID = 1L;

    private final transient List<Mailbox> mailboxes;

    /**
     * Creates the exception.
     *
     * @param mailboxes the mailboxes not refreshed
     * @param cause     why
     */
    public MwiRefreshException(List<Mailbox> mailboxes, AmiException cause) {
        super("message-waiting state not refreshed for " + mailboxes + ": " + cause.getMessage(),
                "VoicemailRefresh", cause);
        this.mailboxes = List.copyOf(mailboxes);
    }

    /**
     * Returns the mailboxes whose refresh failed.
     *
     * @return the mailboxes
     */
    public List<Mailbox> mailboxes() {
        return mailboxes;
    }
}
