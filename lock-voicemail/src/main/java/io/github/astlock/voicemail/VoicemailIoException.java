package io.github.astlock.voicemail;

import io.github.astlock.spi.Errno;
import java.nio.file.Path;

/**
 * A file operation failed; {@link #errno()} names the POSIX error (for example {@code EACCES},
 * {@code ENOSPC}) and {@link #path()} the file.
 */
public class VoicemailIoException extends VoicemailException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail  what was being done
     * @param mailbox the mailbox, or {@code null}
     * @param folder  the folder, or {@code null}
     * @param msgId   the message id, or {@code null}
     * @param path    the file
     * @param errno   the error
     * @param cause   the underlying exception
     */
    public VoicemailIoException(String detail, Mailbox mailbox, Folder folder, String msgId, Path path, Errno errno,
                                Throwable cause) {
        super(detail, mailbox, folder, msgId, path, errno, cause);
    }
}
