package io.github.astlock.cli;

import io.github.astlock.voicemail.Anomaly;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.FolderListing;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.VoicemailMessage;
import io.github.astlock.voicemail.VoicemailSpool;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code astlock vm list}: the messages of a mailbox's folders, as Asterisk would list them. */
@Command(name = "list", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class,
        header = "List a mailbox's messages.",
        description = {"Lists the messages of FOLDER (of every folder when none is given) with their number, msg_id,"
            + " time, duration, caller and audio formats, and anything odd found there. Reads without locks, as"
            + " Asterisk's own listings do, and changes nothing.%n"},
        footer = {"%nJSON (--json): {\"mailbox\", \"directory\", \"folders\": [FOLDER...]}",
            "  FOLDER: {\"folder\", \"directory\", \"count\", \"messages\": [MESSAGE...],",
            "           \"anomalies\": [ANOMALY...]}",
            "  MESSAGE: {\"msgId\", \"mailbox\", \"folder\", \"index\", \"txt\", \"callerId\",",
            "            \"origTime\" (seconds since 1970), \"origDate\", \"duration\" (s),",
            "            \"flag\", \"urgent\", \"audio\": {EXTENSION: PATH}}",
            "  ANOMALY: {\"kind\", \"path\", \"mailbox\", \"folder\", \"index\", \"msgId\",",
            "            \"detail\"}",
            "  without FOLDER all twelve folders are listed, missing ones with count 0"})
final class VmListCommand extends VmVerb {
    @Parameters(index = "0", paramLabel = "MAILBOX", converter = VmSpoolOptions.MailboxConverter.class,
            description = "the mailbox: 1234 or 1234@context")
    Mailbox mailbox;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FOLDER", description = "INBOX, Old, Work, Family, Friends, Cust1..Cust5, Deleted or Urgent (any letter case)")
    String folder;

    VmListCommand(Io io) {
        super(io);
    }

    @Override
    public Integer call() throws Exception {
        Folder only = spoolOptions.folder("FOLDER", folder);
        VoicemailSpool spool = spoolOptions.open(io, false);
        VmSpoolOptions.requireMailbox(spool, mailbox);
        List<FolderListing> listings = new ArrayList<>();
        for (Folder f : Folder.values()) {
            if (only == null || only == f) {
                listings.add(spool.list(mailbox, f));
            }
        }
        if (json) {
            Json out = new Json(true).beginObject().name("mailbox").value(mailbox.toString())
                    .name("directory").value(spool.mailboxPath(mailbox).toString()).name("folders").beginArray();
            for (FolderListing l : listings) {
                VmReport.write(out, l);
            }
            io.out.println(out.endArray().endObject());
        } else {
            int total = 0;
            for (FolderListing l : listings) {
                total += l.count();
                if (l.count() == 0 && l.anomalies().isEmpty() && only == null) {
                    continue;
                }
                io.out.println(mailbox + " " + l.folder().dirName() + ": " + l.count()
                        + (l.count() == 1 ? " message" : " messages"));
                for (VoicemailMessage m : l.messages()) {
                    io.out.println("  " + VmReport.line(m));
                }
                for (Anomaly a : l.anomalies()) {
                    io.out.println("  ! " + VmReport.line(a));
                }
            }
            if (only == null) {
                io.out.println(mailbox + ": " + total + (total == 1 ? " message" : " messages") + " in all folders");
            }
        }
        io.out.flush();
        return ExitCodes.OK;
    }
}
