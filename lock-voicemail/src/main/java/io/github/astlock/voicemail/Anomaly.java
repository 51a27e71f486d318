package io.github.astlock.voicemail;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Something on disk that is not a clean message. Reported, never silently "repaired": several of
 * these are made by Asterisk itself or by other tools, and renumbering or deleting them could
 * hurt a running Asterisk.
 *
 * @param kind    what was found
 * @param path    the file or directory
 * @param mailbox the mailbox
 * @param folder  the folder, when the path is inside a canonical folder
 * @param index   the message number concerned, when there is one
 * @param msgId   the message id concerned, when known
 * @param detail  an explanation for people
 */
public record Anomaly(Kind kind, Path path, Mailbox mailbox, Optional<Folder> folder, OptionalInt index,
                      Optional<String> msgId, String detail) {

    /** The kinds of anomalies. */
    public enum Kind {
        /** A {@code .txt} without any audio file: Asterisk counts and lists it but cannot play it. */
        GHOST,
        /** Audio files without a {@code .txt}: invisible to counting, but moved around by renumbering. */
        ORPHAN,
        /** Several messages of the mailbox carry the same {@code msg_id}. */
        DUPLICATE_MSG_ID,
        /** A directory in the mailbox that is not one of the twelve folders (for example {@code inbox}). */
        NON_CANONICAL_FOLDER,
        /** A {@code msgNNNN-bak.*} file left by Asterisk's prepend-on-forward. */
        BACKUP_FILE,
        /** A {@code msgNNNN_<sha1>.*} transcoding cache of FreePBX. */
        CACHE_FILE,
        /** A {@code .txt} Asterisk rejects, or without a {@code [message]} section. */
        UNREADABLE_METADATA,
        /** A {@code .txt} lacking {@code callerid} or {@code origtime}: playing it crashes or skips in Asterisk. */
        MISSING_REQUIRED_KEY,
        /** A {@code .txt} without {@code msg_id}: Asterisk rewrites it in place the next time it lists the folder. */
        MISSING_MSG_ID,
        /** A message lacks some configured formats: renumbering can then mix its audio with another message's. */
        MISSING_FORMAT,
        /** A name Asterisk counts as a message but that is not {@code msgNNNN.txt} (for example {@code msg12.txt}). */
        STRAY_NAME,
        /** A message number at or above the mailbox's {@code maxmsg}. */
        INDEX_OVER_LIMIT,
        /** A file this library staged or journaled and did not clean up (a crash); {@link VoicemailSpool#recover()} handles it. */
        INTERRUPTED_OPERATION
    }

    /**
     * Checks the parts.
     *
     * @param kind    the kind
     * @param path    the path
     * @param mailbox the mailbox
     * @param folder  the folder
     * @param index   the number
     * @param msgId   the id
     * @param detail  the explanation
     */
    public Anomaly {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * Returns one line for people.
     *
     * @return kind, path and detail
     */
    @Override
    public String toString() {
        return kind + " " + path + (msgId.isPresent() ? " (" + msgId.get() + ")" : "") + ": " + detail;
    }
}
