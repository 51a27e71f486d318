package io.github.astlock.cli;

import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.VoicemailSpool;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code astlock vm move}: moves messages to another folder of their mailbox. */
@Command(name = "move", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class,
        header = "Move messages to another folder.",
        description = {"Moves each MSG_ID to FOLDER of the same mailbox by renaming its files under both folders'"
            + " locks (taken in an order that cannot deadlock with Asterisk): the audio first, the .txt last. The"
            + " message gets the number after the highest one in FOLDER. A failure for one message is reported and"
            + " the others are still moved.%n"},
        footer = {"%nJSON (--json): {\"dryRun\": false, \"results\": [RESULT...]}",
            "  RESULT: {\"operation\": \"move\", \"msgId\", \"from\": LOCATION, \"to\": LOCATION,",
            "           \"notes\": [...]}",
            "          or, when that message failed: {\"msgId\", \"error\", \"exitCode\"}",
            "  LOCATION: {\"mailbox\", \"folder\", \"index\"}"})
final class VmMoveCommand extends VmVerb {
    @Parameters(index = "0", paramLabel = "MAILBOX", converter = VmSpoolOptions.MailboxConverter.class,
            description = "the mailbox: 1234 or 1234@context")
    Mailbox mailbox;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "MSG_ID", description = "the messages' msg_id")
    List<String> msgIds;

    @Option(names = "--to", required = true, paramLabel = "FOLDER", description = "the destination folder")
    String to;

    @Option(names = "--from", paramLabel = "FOLDER", description = "the folder the messages are in (default: the one folder holding each id)")
    String from;

    VmMoveCommand(Io io) {
        super(io);
    }

    @Override
    public Integer call() throws Exception {
        Folder into = spoolOptions.folder("--to", to);
        Folder source = spoolOptions.folder("--from", from);
        VoicemailSpool spool = spoolOptions.open(io, true);
        VmSpoolOptions.requireMailbox(spool, mailbox);
        VmResults results = new VmResults(io, json, false);
        return results.each(msgIds, id -> spool.move(VmCommand.locate(spool, mailbox, id, source, into), into));
    }
}
