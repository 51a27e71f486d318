package io.github.astlock.voicemail;

import io.github.astlock.AsteriskConfig;
import java.util.Optional;

/**
 * The twelve folders of an Asterisk mailbox, in Asterisk's own order, with their on-disk names.
 * Folder names are case-sensitive on disk: {@code inbox} is a directory Asterisk never reads, so
 * this API only ever creates and writes the spellings given here.
 */
public enum Folder {
    /** New messages ({@code INBOX}); counted as "new" by message-waiting. */
    INBOX,
    /** Heard messages ({@code Old}); counted as "old". */
    OLD,
    /** {@code Work}. */
    WORK,
    /** {@code Family}. */
    FAMILY,
    /** {@code Friends}. */
    FRIENDS,
    /** {@code Cust1}. */
    CUST1,
    /** {@code Cust2}. */
    CUST2,
    /** {@code Cust3}. */
    CUST3,
    /** {@code Cust4}. */
    CUST4,
    /** {@code Cust5}. */
    CUST5,
    /** Deleted messages kept when {@code backupdeleted} is set ({@code Deleted}); a rotating folder. */
    DELETED,
    /** Urgent new messages ({@code Urgent}); counted as "new" by message-waiting. */
    URGENT;


    /**
     * Returns the directory name, exactly as Asterisk spells it.
     *
     * @return the directory name, for example {@code INBOX} or {@code Old}
     */
    public String dirName() {
        return AsteriskConfig.STANDARD_FOLDERS.get(ordinal());
    }

    /**
     * Returns Asterisk's number for this folder (0 for {@code INBOX} to 11 for {@code Urgent}).
     *
     * @return the folder number
     */
    public int asteriskIndex() {
        return ordinal();
    }

    /**
     * The rank used to order two folder locks so that this library never waits in a cycle with
     * Asterisk, which may hold one folder while locking {@code Old} or {@code Deleted}: every
     * folder has rank 0 except {@code Old} (1) and {@code Deleted} (2). Locks are taken by
     * ascending rank, ties broken by directory name.
     *
     * @return the lock rank
     */
    public int lockRank() {
        switch (this) {
            case OLD: return 1;
            case DELETED: return 2;
            default: return 0;
        }
    }

    /**
     * Finds the folder for a name, ignoring ASCII case like Asterisk's own lookup
     * ({@code "inbox"} gives {@link #INBOX}).
     *
     * @param name a folder name
     * @return the folder, or empty when the name is not one of the twelve
     */
    public static Optional<Folder> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Folder f : values()) {
            if (f.dirName().equalsIgnoreCase(name) && isAscii(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * Finds the folder whose directory name is exactly {@code dirName} (case-sensitive).
     *
     * @param dirName a directory name
     * @return the folder, or empty when the name is not a canonical spelling
     */
    public static Optional<Folder> fromDirName(String dirName) {
        for (Folder f : values()) {
            if (f.dirName().equals(dirName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }
}
