package io.github.astlock.voicemail;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a committed change did: the message id, where the message was before and where it is
 * after (the numbers are those at the moment of the change), and anything noticed on the way.
 *
 * @param operation what was done
 * @param msgId     the message id
 * @param before    where the message was (empty for a delivery)
 * @param after     where it is now (empty for a delete)
 * @param notes     side effects worth knowing: numbers skipped because of orphan audio, messages
 *                  rotated out of {@code Deleted}, and the like
 */
public record OperationResult(Operation operation, String msgId, Optional<MessageLocation> before,
                              Optional<MessageLocation> after, List<String> notes) {

    /** The kinds of change. */
    public enum Operation {
        /** A new message was delivered. */
        DELIVER,
        /** A message was moved by renaming its files. */
        MOVE,
        /** A message was copied as a new delivery with the same id. */
        COPY,
        /** A message was deleted. */
        DELETE
    }

    /**
     * Checks the parts.
     *
     * @param operation the operation
     * @param msgId     the id
     * @param before    the location before
     * @param after     the location after
     * @param notes     the notes
     */
    public OperationResult {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        notes = List.copyOf(notes);
    }
}
