/**
 * Keeps a running Asterisk informed about voicemail changes made on disk: after each committed
 * change that alters a mailbox's new, urgent or old messages, Asterisk is asked over its manager
 * interface (AMI) to refresh that mailbox's message-waiting state. Also offers the AMI voicemail
 * actions (box summary, message counts, move, remove) with their replies checked properly.
 */
module io.github.astlock.voicemail.ami {
    requires transitive io.github.astlock.voicemail;
    requires org.slf4j;

    exports io.github.astlock.voicemail.ami;
}
