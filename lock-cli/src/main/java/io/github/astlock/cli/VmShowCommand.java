package io.github.astlock.cli;

import io.github.astlock.spi.Errno;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.VoicemailException;
import io.github.astlock.voicemail.VoicemailMessage;
import io.github.astlock.voicemail.VoicemailSpool;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code astlock vm show}: everything about one message. */
@Command(name = "show", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class,
        header = "Show one message.",
        description = {"Shows every key of the message's .txt and its audio files. The message is looked for in every"
            + " folder of MAILBOX (or in --folder); a message copied within the mailbox is shown once per folder."
            + " Reads without locks and changes nothing.%n"},
        footer = {"%nJSON (--json): {\"mailbox\", \"msgId\", \"messages\": [MESSAGE...]}",
            "  MESSAGE as in 'vm list', plus \"metadata\": {KEY: VALUE, ...} (every key",
            "  of the .txt, in file order) and \"warnings\": [...]"})
final class VmShowCommand extends VmVerb {
    @Option(names = "--folder", paramLabel = "FOLDER", description = "look only in this folder")
    String folder;

    @Parameters(index = "0", paramLabel = "MAILBOX", converter = VmSpoolOptions.MailboxConverter.class,
            description = "the mailbox: 1234 or 1234@context")
    Mailbox mailbox;

    @Parameters(index = "1", paramLabel = "MSG_ID", description = "the message's msg_id")
    String msgId;

    VmShowCommand(Io io) {
        super(io);
    }

    @Override
    public Integer call() throws Exception {
        Folder only = spoolOptions.folder("--folder", folder);
        VoicemailSpool spool = spoolOptions.open(io, false);
        VmSpoolOptions.requireMailbox(spool, mailbox);
        List<VoicemailMessage> found = VmCommand.find(spool, mailbox, msgId, only);
        if (found.isEmpty()) {
            throw new VoicemailException("no such message", mailbox, only, msgId, only == null
                    ? spool.mailboxPath(mailbox) : spool.folderPath(mailbox, only), Errno.ENOENT, null);
        }
        if (json) {
            Json out = new Json(true).beginObject().name("mailbox").value(mailbox.toString()).name("msgId").value(msgId)
                    .name("messages").beginArray();
            for (VoicemailMessage m : found) {
                VmReport.write(out, m, true);
            }
            io.out.println(out.endArray().endObject());
        } else {
            for (VoicemailMessage m : found) {
                io.out.println(mailbox + " " + m.location().folder().dirName() + " " + m.location().baseName() + ": "
                        + msgId);
                io.out.println("  file " + m.txtFile());
                for (Map.Entry<String, String> e : m.metadata().entries()) {
                    io.out.println("  " + e.getKey() + " = " + e.getValue());
                }
                if (m.audio().isEmpty()) {
                    io.out.println("  audio: none");
                }
                for (Map.Entry<String, Path> a : m.audio().entrySet()) {
                    io.out.println("  audio " + a.getKey() + ": " + a.getValue());
                }
                for (String w : m.metadata().warnings()) {
                    io.out.println("  ! " + w);
                }
            }
        }
        io.out.flush();
        return ExitCodes.OK;
    }
}
