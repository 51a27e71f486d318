package io.github.astlock.cli;

import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailException;
import io.github.astlock.voicemail.VoicemailMessage;
import io.github.astlock.voicemail.VoicemailSpool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code astlock vm delete}: deletes messages by id, or every message older than a duration. */
@Command(name = "delete", sortOptions = false, mixinStandardHelpOptions = true,
        versionProvider = AstlockCli.Version.class,
        customSynopsis = {"astlock vm delete [OPTIONS] MAILBOX MSG_ID...",
            "       astlock vm delete [OPTIONS] --older-than DURATION [--dry-run] MAILBOX [FOLDER]"},
        header = "Delete messages by id, or by age.",
        description = {"Deletes each MSG_ID of MAILBOX, or with --older-than every message of FOLDER (of every folder"
            + " when none is given) left longer ago than DURATION, judged by the origtime of its .txt. Each message"
            + " is deleted under its folder's lock, the .txt first and then every audio file of that number; the"
            + " gaps are closed by Asterisk the next time it opens the folder. A message without origtime or"
            + " msg_id is never deleted by age, only reported. A failure for one message is reported and the"
            + " others are still deleted.%n"},
        footer = {"%nDURATION: a number and a unit ms, s, m, h or d, for example 90d or 36h.",
            "%nJSON (--json): {\"dryRun\": B, \"results\": [RESULT...]}",
            "  RESULT: {\"operation\": \"delete\", \"msgId\", \"from\": LOCATION, \"to\": null,",
            "           \"notes\": [...]}",
            "          or, when that message failed: {\"msgId\", \"error\", \"exitCode\"}",
            "  LOCATION: {\"mailbox\", \"folder\", \"index\"}",
            "  with --dry-run the results are what would be deleted; nothing is changed"})
final class VmDeleteCommand extends VmVerb {
    @Spec
    CommandSpec spec;

    @Option(names = "--older-than", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "delete every message left longer ago than this, for example 90d")
    Duration olderThan;

    @Option(names = "--dry-run", description = "with --older-than: only print what would be deleted")
    boolean dryRun;

    @Option(names = "--from", paramLabel = "FOLDER", description = "with MSG_IDs: the folder the messages are in (default: the one folder holding each id)")
    String from;

    @Parameters(index = "0", paramLabel = "MAILBOX", converter = VmSpoolOptions.MailboxConverter.class,
            description = "the mailbox: 1234 or 1234@context")
    Mailbox mailbox;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "MSG_ID|FOLDER",
            description = "the messages' msg_id; with --older-than, at most one FOLDER")
    List<String> rest = List.of();

    VmDeleteCommand(Io io) {
        super(io);
    }

    @Override
    public Integer call() throws Exception {
        List<String> args = rest == null ? List.of() : rest;
        Folder only = null;
        Folder source = spoolOptions.folder("--from", from);
        if (olderThan != null) {
            if (args.size() > 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--older-than takes at most one FOLDER, not message ids: " + args);
            }
            if (from != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--from goes with MSG_IDs; with --older-than name the FOLDER after MAILBOX");
            }
            if (args.size() == 1) {
                only = spoolOptions.folder("FOLDER", args.get(0));
            }
        } else {
            if (args.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give the MSG_IDs to delete, or --older-than DURATION");
            }
            if (dryRun) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--dry-run goes with --older-than");
            }
        }
        VoicemailSpool spool = spoolOptions.open(io, !dryRun);
        VmSpoolOptions.requireMailbox(spool, mailbox);
        VmResults results = new VmResults(io, json, dryRun);
        if (olderThan == null) {
            return results.each(args, id -> spool.delete(VmCommand.locate(spool, mailbox, id, source, null)));
        }
        long cutoff = Instant.now().minus(olderThan).getEpochSecond();
        for (Folder f : Folder.values()) {
            if (only != null && f != only) {
                continue;
            }
            for (VoicemailMessage m : spool.list(mailbox, f).messages()) {
                OptionalLong t = m.metadata().origTime();
                Optional<String> id = m.msgId();
                if (t.isEmpty() || id.isEmpty()) {
                    io.warn("not deleted by age: " + m.txtFile() + " has no " + (t.isEmpty() ? "origtime" : "msg_id"));
                    continue;
                }
                if (t.getAsLong() >= cutoff) {
                    continue;
                }
                if (dryRun) {
                    results.done(new OperationResult(OperationResult.Operation.DELETE, id.get(),
                            Optional.of(m.location()), Optional.empty(), List.of()));
                    continue;
                }
                try {
                    results.done(spool.delete(m.ref()));
                } catch (VoicemailException e) {
                    results.failed(id.get(), e);
                }
            }
        }
        return results.finish();
    }
}
