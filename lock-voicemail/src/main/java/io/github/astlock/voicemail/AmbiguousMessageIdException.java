package io.github.astlock.voicemail;

import java.nio.file.Path;
import java.util.List;

/**
 * Several messages in one folder carry the same {@code msg_id} (Asterisk's forward and copy keep
 * the id, so this happens). Nothing was changed. Asterisk itself would act on the first one; set
 * {@link VoicemailOptions.Builder#actOnFirstDuplicate(boolean)} to do the same.
 */
public class AmbiguousMessageIdException extends VoicemailException {
    private static final long serialVersionUID = 1L;

    /** The numbers carrying the id. */
    private final List<Integer> indices;

    /**
     * Creates the exception.
     *
     * @param ref       the message looked for
     * @param folderDir the folder directory
     * @param indices   the message numbers that carry the id
     */
    public AmbiguousMessageIdException(MessageRef ref, Path folderDir, List<Integer> indices) {
        super(indices.size() + " messages carry this id, numbers " + indices, ref.mailbox(), ref.folder(),
                ref.msgId(), folderDir, null, null);
        this.indices = List.copyOf(indices);
    }

    /**
     * Returns the message numbers carrying the id.
     *
     * @return the numbers, ascending
     */
    public List<Integer> indices() {
        return indices;
    }
}
