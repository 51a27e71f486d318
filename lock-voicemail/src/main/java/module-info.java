/**
 * Change Asterisk voicemail on disk safely: list, read, deliver, move, copy and delete messages
 * in a file-storage voicemail spool the way {@code app_voicemail} does, under the same folder
 * locks, while Asterisk runs.
 */
module io.github.astlock.voicemail {
    requires transitive io.github.astlock.api;
    requires org.slf4j;

    exports io.github.astlock.voicemail;
}
