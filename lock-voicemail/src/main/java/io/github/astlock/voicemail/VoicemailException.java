package io.github.astlock.voicemail;

import io.github.astlock.spi.Errno;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A voicemail operation failed. Nothing it started is left on disk (a crash of the process is
 * the exception; {@link VoicemailSpool#recover()} finishes or undoes such operations). Every
 * message names what is known of mailbox, folder, message id, path and POSIX error, for example:
 *
 * <pre>
 * mailbox full: 3 messages, limit 3 [mailbox 1234@default, folder INBOX]
 * </pre>
 *
 * <p>Subclasses tell the kinds apart: {@link MailboxFullException},
 * {@link MessageNotFoundException}, {@link AmbiguousMessageIdException},
 * {@link InvalidMessageException}, {@link VoicemailIoException} and
 * {@link VoicemailLockException}.
 */
public class VoicemailException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The mailbox, or {@code null}. */
    private final Mailbox mailbox;
    /** The folder, or {@code null}. */
    private final Folder folder;
    /** The message id, or {@code null}. */
    private final String msgId;
    /** The path, or {@code null}. */
    private final transient Path path;
    /** The POSIX error, or {@code null}. */
    private final Errno errno;

    /**
     * Creates the exception.
     *
     * @param detail  what went wrong, in words
     * @param mailbox the mailbox, or {@code null}
     * @param folder  the folder, or {@code null}
     * @param msgId   the message id, or {@code null}
     * @param path    the file or directory concerned, or {@code null}
     * @param errno   the POSIX error, or {@code null}
     * @param cause   the underlying exception, or {@code null}
     */
    public VoicemailException(String detail, Mailbox mailbox, Folder folder, String msgId, Path path, Errno errno,
                              Throwable cause) {
        super(format(detail, mailbox, folder, msgId, path, errno), cause);
        this.mailbox = mailbox;
        this.folder = folder;
        this.msgId = msgId;
        this.path = path;
        this.errno = errno;
    }

    private static String format(String detail, Mailbox mailbox, Folder folder, String msgId, Path path,
                                 Errno errno) {
        StringBuilder sb = new StringBuilder(detail);
        String sep = " [";
        if (mailbox != null) {
            sb.append(sep).append("mailbox ").append(mailbox);
            sep = ", ";
        }
        if (folder != null) {
            sb.append(sep).append("folder ").append(folder.dirName());
            sep = ", ";
        }
        if (msgId != null) {
            sb.append(sep).append("message ").append(msgId);
            sep = ", ";
        }
        if (path != null) {
            sb.append(sep).append("path ").append(path);
            sep = ", ";
        }
        if (errno != null) {
            sb.append(sep).append(errno.name());
            sep = ", ";
        }
        if (!sep.equals(" [")) {
            sb.append(']');
        }
        return sb.toString();
    }

    /**
     * Returns the mailbox concerned.
     *
     * @return the mailbox, when known
     */
    public Optional<Mailbox> mailbox() {
        return Optional.ofNullable(mailbox);
    }

    /**
     * Returns the folder concerned.
     *
     * @return the folder, when known
     */
    public Optional<Folder> folder() {
        return Optional.ofNullable(folder);
    }

    /**
     * Returns the message id concerned.
     *
     * @return the {@code msg_id}, when known
     */
    public Optional<String> msgId() {
        return Optional.ofNullable(msgId);
    }

    /**
     * Returns the file or directory concerned.
     *
     * @return the path, when known
     */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /**
     * Returns the POSIX error behind the failure.
     *
     * @return the error, when there is one
     */
    public Optional<Errno> errno() {
        return Optional.ofNullable(errno);
    }
}
