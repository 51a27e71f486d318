package io.github.astlock.cli;

import io.github.astlock.spi.Errno;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.InvalidMessageException;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.MessageRef;
import io.github.astlock.voicemail.VoicemailException;
import io.github.astlock.voicemail.VoicemailMessage;
import io.github.astlock.voicemail.VoicemailSpool;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code astlock vm}: lists, reads, delivers, moves, copies and deletes voicemail messages in a
 * file-storage spool, under the same folder locks as Asterisk, and checks a spool for problems.
 * Messages are named by their {@code msg_id}, which stays the same when Asterisk renumbers a folder.
 */
@Command(name = "vm", mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        header = "List and change voicemail messages while Asterisk runs.",
        description = {"Works on Asterisk's file-storage voicemail spool the way app_voicemail does, under the same"
            + " folder locks. MAILBOX is 1234 or 1234@context (default context: default); messages are named by their"
            + " msg_id (see 'astlock vm list'). Asterisk does not notice changes by itself: message lamps and"
            + " open VoiceMailMain sessions are not told (see the README).%n"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:success",
            "1:check: something needs attention",
            "64:usage error",
            "65:the input or the spool does not allow the change (audio formats, bad value, id carried twice)",
            "66:no such voicemail directory, mailbox or message",
            "69:lock refused, or no usable backend",
            "73:a folder or lock file cannot be created, or the destination folder is full",
            "74:other I/O error",
            "75:someone held a folder's lock for the whole --timeout",
            "78:asterisk.conf or voicemail.conf exists but cannot be read"})
final class VmCommand implements Callable<Integer> {
    private final Io io;

    @Spec
    CommandSpec spec;

    private VmCommand(Io io) {
        this.io = io;
    }

    /**
     * Returns {@code vm} with its commands.
     *
     * @param io where the commands write
     * @return the command line of {@code vm}
     */
    static CommandLine commandLine(Io io) {
        CommandLine cl = new CommandLine(new VmCommand(io));
        cl.addSubcommand(new VmListCommand(io));
        cl.addSubcommand(new VmShowCommand(io));
        cl.addSubcommand(new VmDeliverCommand(io));
        cl.addSubcommand(new VmMoveCommand(io));
        cl.addSubcommand(new VmCopyCommand(io));
        cl.addSubcommand(new VmDeleteCommand(io));
        cl.addSubcommand(new VmCheckCommand(io));
        return cl;
    }

    /** Without a command: show the usage and fail. */
    @Override
    public Integer call() {
        io.error("no vm command given");
        spec.commandLine().usage(io.err);
        return ExitCodes.USAGE;
    }

    /**
     * Finds where a message is, by its id, for a change: in {@code from} when given, else in
     * whichever folder of the mailbox holds it. Read without locks; the change looks the message up
     * again under the lock.
     *
     * @param spool   the spool
     * @param mailbox the mailbox
     * @param msgId   the id
     * @param from    the folder to look in, or {@code null} for all
     * @param exclude a folder not to look in (the destination of a move), or {@code null}
     * @return the message's handle
     * @throws VoicemailException when no folder or several folders hold it
     */
    static MessageRef locate(VoicemailSpool spool, Mailbox mailbox, String msgId, Folder from, Folder exclude)
            throws VoicemailException {
        if (from != null) {
            return new MessageRef(mailbox, from, msgId);
        }
        Set<Folder> found = new LinkedHashSet<>();
        for (VoicemailMessage m : find(spool, mailbox, msgId, null)) {
            if (m.location().folder() != exclude) {
                found.add(m.location().folder());
            }
        }
        if (found.isEmpty()) {
            throw new VoicemailException("no such message in any folder" + (exclude == null ? ""
                    : " other than " + exclude.dirName()), mailbox, null, msgId, spool.mailboxPath(mailbox),
                    Errno.ENOENT, null);
        }
        if (found.size() > 1) {
            throw new InvalidMessageException("the message is in several folders ("
                    + found.stream().map(Folder::dirName).collect(Collectors.joining(", "))
                    + "); name one with --from", mailbox, null, msgId);
        }
        return new MessageRef(mailbox, found.iterator().next(), msgId);
    }

    /**
     * Every message of the mailbox (or of one folder) carrying an id, in folder order.
     *
     * @param spool   the spool
     * @param mailbox the mailbox
     * @param msgId   the id
     * @param only    the folder, or {@code null} for all
     * @return the messages
     * @throws VoicemailException when a folder cannot be read
     */
    static List<VoicemailMessage> find(VoicemailSpool spool, Mailbox mailbox, String msgId, Folder only)
            throws VoicemailException {
        List<VoicemailMessage> out = new ArrayList<>();
        for (Folder f : Folder.values()) {
            if (only != null && f != only) {
                continue;
            }
            for (VoicemailMessage m : spool.list(mailbox, f).messages()) {
                if (m.msgId().filter(msgId::equals).isPresent()) {
                    out.add(m);
                }
            }
        }
        return out;
    }
}
