package io.github.astlock.voicemail;

import java.util.Objects;

/**
 * Names one message by what does not change when Asterisk renumbers a folder: its mailbox, its
 * folder and its {@code msg_id}. The message number is looked up under the folder lock right
 * before every change.
 *
 * @param mailbox the mailbox
 * @param folder  the folder
 * @param msgId   the {@code msg_id} from the message's {@code .txt}
 */
public record MessageRef(Mailbox mailbox, Folder folder, String msgId) {

    /**
     * Checks that no part is missing.
     *
     * @param mailbox the mailbox
     * @param folder  the folder
     * @param msgId   the message id, not empty
     * @throws NullPointerException     when a part is {@code null}
     * @throws IllegalArgumentException when the id is empty
     */
    public MessageRef {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(msgId, "msgId");
        if (msgId.isEmpty()) {
            throw new IllegalArgumentException("msgId: must not be empty");
        }
    }

    /**
     * Returns {@code msg_id in id@context/Folder}, for messages.
     *
     * @return a description for people
     */
    @Override
    public String toString() {
        return msgId + " in " + mailbox + "/" + folder.dirName();
    }
}
