package io.github.astlock.voicemail.example;

import io.github.astlock.AsteriskConfig;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import io.github.astlock.voicemail.AudioFormat;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.MessageRef;
import io.github.astlock.voicemail.NewMessage;
import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailOptions;
import io.github.astlock.voicemail.VoicemailSpool;
import java.nio.file.Path;

/** Deliver a recording to 1234@default, move it to Old, delete it. */
public final class DeliverMoveDelete {
    public static void main(String[] args) throws Exception {
        Path conf = Path.of(args.length > 0 ? args[0] : "/etc/asterisk/asterisk.conf");
        Path recordings = Path.of(args.length > 1 ? args[1] : ".");

        // Same spool, same lock mode and same voicemail.conf as the running Asterisk
        AsteriskConfig asterisk = AsteriskConfig.load(conf);
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(asterisk.lockMode()).build());
        VoicemailSpool spool = VoicemailSpool.open(asterisk, locker, VoicemailOptions.defaults());
        Mailbox box = Mailbox.parse("1234@default");

        // One recording per format listed in voicemail.conf's format= (for example wav49|gsm|wav)
        NewMessage.Builder message = NewMessage.builder()
                .callerId("\"Alice\" <201>")
                .callerChan("PJSIP/201-00000001")
                .duration(12);
        for (AudioFormat format : spool.config().formats()) {
            message.audio(format.name(), recordings.resolve("recording." + format.extension()));
        }
        OperationResult delivered = spool.deliver(box, Folder.INBOX, message.build());
        System.out.println("delivered " + delivered.msgId() + " as " + delivered.after().orElseThrow());

        // Address the message by its id: Asterisk may renumber the folder at any time
        OperationResult moved = spool.move(new MessageRef(box, Folder.INBOX, delivered.msgId()), Folder.OLD);
        System.out.println("moved to " + moved.after().orElseThrow());

        OperationResult deleted = spool.delete(new MessageRef(box, Folder.OLD, delivered.msgId()));
        System.out.println("deleted " + deleted.before().orElseThrow());

        // Asterisk's message-waiting lamp does not see these changes by itself: send the
        // manager action "VoicemailRefresh" with Context: default and Mailbox: 1234.
    }
}
