package io.github.astlock.voicemail;

import java.util.Objects;

/**
 * Where a message was (or is) at one moment: mailbox, folder and message number. A number is only
 * a snapshot; Asterisk renumbers folders when it opens them.
 *
 * @param mailbox the mailbox
 * @param folder  the folder
 * @param index   the message number, {@code msgNNNN}
 */
public record MessageLocation(Mailbox mailbox, Folder folder, int index) {

    /**
     * Checks the parts.
     *
     * @param mailbox the mailbox
     * @param folder  the folder
     * @param index   the number, 0 to 9998
     * @throws IllegalArgumentException when the number is out of range
     */
    public MessageLocation {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(folder, "folder");
        if (index < 0 || index > 9998) {
            throw new IllegalArgumentException("index: must be 0 to 9998, was " + index);
        }
    }

    /**
     * Returns the base name of the message's files, {@code msgNNNN}.
     *
     * @return for example {@code msg0007}
     */
    public String baseName() {
        return SpoolNames.baseName(index);
    }

    /**
     * Returns {@code id@context/Folder/msgNNNN}.
     *
     * @return a description for people
     */
    @Override
    public String toString() {
        return mailbox + "/" + folder.dirName() + "/" + baseName();
    }
}
