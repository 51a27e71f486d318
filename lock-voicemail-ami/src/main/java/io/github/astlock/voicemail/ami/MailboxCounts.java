package io.github.astlock.voicemail.ami;

/**
 * Message counts of a mailbox as Asterisk's {@code MailboxCount} reports them, read from disk at
 * the moment of the request.
 *
 * @param urgent messages in {@code Urgent}
 * @param newMessages messages in {@code INBOX}
 * @param old    messages in {@code Old}
 */
public record MailboxCounts(int urgent, int newMessages, int old) {
}
