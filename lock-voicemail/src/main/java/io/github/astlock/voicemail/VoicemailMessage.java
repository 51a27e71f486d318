package io.github.astlock.voicemail;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One message as read from disk: where it was, its metadata and its audio files. The number is a
 * snapshot; address the message later by {@link #ref()}.
 *
 * @param location where it was found
 * @param txtFile  its {@code msgNNNN.txt}
 * @param metadata the parsed {@code .txt}
 * @param audio    its audio files by extension (for example {@code WAV}, {@code gsm}), sorted
 */
public record VoicemailMessage(MessageLocation location, Path txtFile, MessageMetadata metadata,
                               Map<String, Path> audio) {

    /**
     * Copies the map.
     *
     * @param location the location
     * @param txtFile  the {@code .txt}
     * @param metadata the metadata
     * @param audio    the audio files
     */
    public VoicemailMessage {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(txtFile, "txtFile");
        Objects.requireNonNull(metadata, "metadata");
        audio = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(audio));
    }

    /**
     * Returns the {@code msg_id}.
     *
     * @return the id, empty when the {@code .txt} has none
     */
    public Optional<String> msgId() {
        return metadata.msgId();
    }

    /**
     * Returns the stable handle of this message.
     *
     * @return mailbox, folder and {@code msg_id}
     * @throws IllegalStateException when the {@code .txt} has no {@code msg_id}
     */
    public MessageRef ref() {
        return new MessageRef(location.mailbox(), location.folder(), msgId().orElseThrow(
                () -> new IllegalStateException("message " + location + " has no msg_id")));
    }

    /**
     * Returns the message number at the time of reading.
     *
     * @return the number
     */
    public int index() {
        return location.index();
    }
}
