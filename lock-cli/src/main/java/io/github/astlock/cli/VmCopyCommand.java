package io.github.astlock.cli;

import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.VoicemailSpool;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code astlock vm copy}: copies messages into another mailbox, as Asterisk's forward does. */
@Command(name = "copy", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class,
        header = "Copy messages into another mailbox.",
        description = {"Copies each MSG_ID of MAILBOX into --to's folder as a new message that keeps its msg_id, as"
            + " Asterisk's forward does: read under the source folder's lock, staged, then committed under the"
            + " destination folder's lock. A failure for one message is reported and the others are still"
            + " copied.%n"},
        footer = {"%nJSON (--json): as for 'vm move', with \"operation\": \"copy\""})
final class VmCopyCommand extends VmVerb {
    @Parameters(index = "0", paramLabel = "MAILBOX", converter = VmSpoolOptions.MailboxConverter.class,
            description = "the source mailbox: 1234 or 1234@context")
    Mailbox mailbox;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "MSG_ID", description = "the messages' msg_id")
    List<String> msgIds;

    @Option(names = "--to", required = true, paramLabel = "MAILBOX", converter = VmSpoolOptions.MailboxConverter.class,
            description = "the destination mailbox: 1234 or 1234@context")
    Mailbox to;

    @Option(names = "--folder", paramLabel = "FOLDER", defaultValue = "INBOX",
            description = "the destination folder (default: ${DEFAULT-VALUE})")
    String folder;

    @Option(names = "--from", paramLabel = "FOLDER", description = "the folder the messages are in (default: the one folder holding each id)")
    String from;

    @Option(names = "--create", description = "make the destination mailbox's directory if it is neither in the"
            + " spool nor in voicemail.conf")
    boolean create;

    VmCopyCommand(Io io) {
        super(io);
    }

    @Override
    public Integer call() throws Exception {
        Folder into = spoolOptions.folder("--folder", folder);
        Folder source = spoolOptions.folder("--from", from);
        VoicemailSpool spool = spoolOptions.open(io, true);
        VmSpoolOptions.requireMailbox(spool, mailbox);
        VmSpoolOptions.requireKnownMailbox(spool, to, create);
        VmResults results = new VmResults(io, json, false);
        Folder exclude = mailbox.equals(to) ? into : null;
        return results.each(msgIds, id -> spool.copy(VmCommand.locate(spool, mailbox, id, source, exclude), to, into));
    }
}
