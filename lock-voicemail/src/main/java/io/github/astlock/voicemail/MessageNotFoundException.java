package io.github.astlock.voicemail;

import java.nio.file.Path;

/** No message with that {@code msg_id} is in the folder (checked under the folder lock). */
public class MessageNotFoundException extends VoicemailException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param ref       the message looked for
     * @param folderDir the folder directory
     */
    public MessageNotFoundException(MessageRef ref, Path folderDir) {
        super("no such message", ref.mailbox(), ref.folder(), ref.msgId(), folderDir, null, null);
    }
}
