package io.github.astlock.voicemail;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The messages of one folder, ascending by number, with the anomalies found there.
 *
 * @param mailbox   the mailbox
 * @param folder    the folder
 * @param directory the folder directory
 * @param messages  the messages (every {@code msgNNNN.txt} Asterisk would read), by number
 * @param anomalies what else was found (ghosts, orphans, duplicates, stray names, ...)
 * @param locked    whether the listing was taken under the folder lock
 */
public record FolderListing(Mailbox mailbox, Folder folder, Path directory, List<VoicemailMessage> messages,
                            List<Anomaly> anomalies, boolean locked) {

    /**
     * Copies the lists.
     *
     * @param mailbox   the mailbox
     * @param folder    the folder
     * @param directory the directory
     * @param messages  the messages
     * @param anomalies the anomalies
     * @param locked    whether it was read under the lock
     */
    public FolderListing {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(directory, "directory");
        messages = List.copyOf(messages);
        anomalies = List.copyOf(anomalies);
    }

    /**
     * Finds the first message with a {@code msg_id}, as Asterisk does.
     *
     * @param msgId the id
     * @return the first message carrying it
     */
    public Optional<VoicemailMessage> find(String msgId) {
        return messages.stream().filter(m -> m.msgId().filter(msgId::equals).isPresent()).findFirst();
    }

    /**
     * Returns the number of messages, counted like Asterisk's message count.
     *
     * @return the message count
     */
    public int count() {
        return messages.size();
    }
}
