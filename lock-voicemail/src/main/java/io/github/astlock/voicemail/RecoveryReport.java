package io.github.astlock.voicemail;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a recovery pass found and did: for each interrupted operation, whether it was completed,
 * rolled back, or left alone (still running in another process, or not safe to touch).
 *
 * @param entries one entry per interrupted operation or leftover file
 */
public record RecoveryReport(List<Entry> entries) {

    /** What recovery did with one interrupted operation. */
    public enum Outcome {
        /** The operation had committed; only its leftovers were removed. */
        COMPLETED,
        /** The operation had not committed; everything it had done was undone. */
        ROLLED_BACK,
        /** Its owner still runs, so it was left alone. */
        SKIPPED_LIVE,
        /** It could not be handled safely (for example its folder could not be locked); see the detail. */
        FAILED
    }

    /**
     * One interrupted operation.
     *
     * @param journal   its journal file (or the leftover file, when there was no journal)
     * @param operation what it was: {@code DELIVER}, {@code MOVE}, {@code COPY}, {@code DELETE} or {@code LEFTOVER}
     * @param msgId     the message id, empty string when unknown
     * @param outcome   what recovery did
     * @param detail    an explanation for people
     */
    public record Entry(Path journal, String operation, String msgId, Outcome outcome, String detail) {
        /**
         * Checks the parts.
         *
         * @param journal   the journal
         * @param operation the operation
         * @param msgId     the id
         * @param outcome   the outcome
         * @param detail    the detail
         */
        public Entry {
            Objects.requireNonNull(journal, "journal");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(msgId, "msgId");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Copies the list.
     *
     * @param entries the entries
     */
    public RecoveryReport {
        entries = List.copyOf(entries);
    }

    /**
     * Returns how many entries had a given outcome.
     *
     * @param outcome the outcome
     * @return the count
     */
    public long count(Outcome outcome) {
        return entries.stream().filter(e -> e.outcome() == outcome).count();
    }
}
