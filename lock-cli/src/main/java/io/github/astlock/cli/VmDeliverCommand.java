package io.github.astlock.cli;

import io.github.astlock.voicemail.AudioFormat;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.InvalidMessageException;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.NewMessage;
import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailSpool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code astlock vm deliver}: leaves a new message, as Asterisk's {@code VoiceMail()} does. */
@Command(name = "deliver", sortOptions = false, mixinStandardHelpOptions = true,
        versionProvider = AstlockCli.Version.class,
        header = "Deliver a new message.",
        description = {"Leaves a new message in MAILBOX as Asterisk's VoiceMail() does: the files are staged in the"
            + " mailbox's tmp directory, then, under the folder's lock, the audio is renamed into place and the .txt"
            + " last. Give one --audio file per format of voicemail.conf's format= list; the format is taken from"
            + " the file name's extension (rec.wav is wav, rec.WAV is wav49, rec.gsm is gsm). Prints the new"
            + " message's msg_id.%n"},
        footer = {"%nJSON (--json): {\"dryRun\": false, \"results\": [RESULT]}",
            "  RESULT: {\"operation\": \"deliver\", \"msgId\", \"from\": null,",
            "           \"to\": {\"mailbox\", \"folder\", \"index\"}, \"notes\": [...]}"})
final class VmDeliverCommand extends VmVerb {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MAILBOX", converter = VmSpoolOptions.MailboxConverter.class,
            description = "the mailbox: 1234 or 1234@context")
    Mailbox mailbox;

    @Option(names = "--audio", paramLabel = "FILE", required = true,
            description = "the recording in one format; repeat it for each configured format")
    List<Path> audio;

    @Option(names = "--folder", paramLabel = "FOLDER", description = "the folder (default: INBOX, or Urgent with --flag Urgent)")
    String folder;

    @Option(names = "--callerid", paramLabel = "TEXT", defaultValue = "Unknown",
            description = "the caller, for example '\"Alice\" <201>' (default: ${DEFAULT-VALUE})")
    String callerId;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "the recording's length in seconds (default: ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--flag", paramLabel = "FLAG", defaultValue = "",
            description = "empty, Urgent or PRIORITY")
    String flag;

    @Option(names = "--orig-time", paramLabel = "TIME",
            description = "when the message was left: seconds since 1970 or an ISO-8601 instant such as"
                    + " 2026-01-31T12:00:00Z (default: now)")
    String origTime;

    @Option(names = "--msg-id", paramLabel = "ID",
            description = "the msg_id to give the message, in Asterisk's shape SECONDS-HEX (default: a new one)")
    String msgId;

    @Option(names = "--callerchan", paramLabel = "CHANNEL", defaultValue = "", description = "the caller's channel")
    String callerChan;

    @Option(names = "--context", paramLabel = "CONTEXT", defaultValue = "",
            description = "the dialplan context of the call (the .txt's context key)")
    String context;

    @Option(names = "--exten", paramLabel = "EXTEN", defaultValue = "", description = "the extension dialled")
    String exten;

    @Option(names = "--rdnis", paramLabel = "RDNIS", defaultValue = "unknown",
            description = "the redirecting number (default: ${DEFAULT-VALUE})")
    String rdnis;

    @Option(names = "--priority", paramLabel = "N", defaultValue = "1", description = "the dialplan priority")
    int priority;

    @Option(names = "--category", paramLabel = "TEXT", defaultValue = "", description = "the category")
    String category;

    @Option(names = "--orig-mailbox", paramLabel = "ID", description = "the mailbox the caller dialled"
            + " (default: MAILBOX's id)")
    String origMailbox;

    @Option(names = "--allow-fewer-formats", description = "accept fewer audio files than configured formats; a"
            + " later renumbering by Asterisk can then give this message another message's audio in the missing"
            + " formats")
    boolean allowFewerFormats;

    @Option(names = "--create", description = "make the mailbox's directory if it is neither in the spool nor in"
            + " voicemail.conf")
    boolean create;

    VmDeliverCommand(Io io) {
        super(io);
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Path> byExtension = new LinkedHashMap<>();
        for (Path p : audio) {
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            int dot = name.lastIndexOf('.');
            if (dot <= 0 || dot == name.length() - 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--audio " + p
                        + ": the file name needs an extension naming its format (.wav, .WAV, .gsm, ...)");
            }
            Path before = byExtension.put(name.substring(dot + 1), p);
            if (before != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--audio " + before + " and " + p
                        + " have the same format; give one file per format");
            }
            if (!Files.isRegularFile(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--audio " + p + ": no such file");
            }
        }
        if (duration < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must not be negative");
        }
        Instant when = origTime == null ? null : parseTime(origTime);
        Folder chosen = spoolOptions.folder("--folder", folder);
        Folder target = chosen != null ? chosen : flag.equalsIgnoreCase("Urgent") ? Folder.URGENT : Folder.INBOX;
        VoicemailSpool spool = spoolOptions.open(io, true);
        checkFormats(spool, byExtension.keySet(), target);
        VmSpoolOptions.requireKnownMailbox(spool, mailbox, create);
        NewMessage message;
        try {
            NewMessage.Builder b = NewMessage.builder().callerId(callerId).duration(duration).flag(flag)
                    .callerChan(callerChan).context(context).exten(exten).rdnis(rdnis).priority(priority)
                    .category(category);
            if (when != null) {
                b.origTime(when);
            }
            if (msgId != null) {
                b.msgId(msgId);
            }
            if (origMailbox != null) {
                b.origMailbox(origMailbox);
            }
            if (allowFewerFormats) {
                b.allowFewerFormats();
            }
            for (Map.Entry<String, Path> e : byExtension.entrySet()) {
                b.audio(e.getKey(), e.getValue());
            }
            message = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        OperationResult r = spool.deliver(mailbox, target, message);
        if (json) {
            VmResults results = new VmResults(io, true, false);
            results.done(r);
            return results.finish();
        }
        io.out.println(r.msgId());
        for (String n : r.notes()) {
            io.err.println("astlock: note: " + n);
        }
        io.info(VmReport.line(r, false));
        io.out.flush();
        return ExitCodes.OK;
    }

    /**
     * Says in command-line words which formats are missing or not configured, before the
     * library refuses the message.
     */
    private void checkFormats(VoicemailSpool spool, java.util.Set<String> given, Folder target)
            throws InvalidMessageException {
        List<AudioFormat> configured = spool.config().formats();
        String list = configured.stream().map(AudioFormat::name).collect(Collectors.joining("|"));
        List<String> extra = new ArrayList<>();
        List<AudioFormat> matched = new ArrayList<>();
        for (String ext : given) {
            AudioFormat match = null;
            for (AudioFormat f : configured) {
                if (f.extension().equals(ext) || f.name().equals(ext)) {
                    match = f;
                }
            }
            if (match == null) {
                extra.add("." + ext);
            } else {
                matched.add(match);
            }
        }
        if (!extra.isEmpty()) {
            throw new InvalidMessageException("audio of a format voicemail.conf does not configure: " + extra
                    + " (format=" + list + " wants " + extensions(configured) + ")", mailbox, target, null);
        }
        List<AudioFormat> missing = new ArrayList<>(configured);
        missing.removeAll(matched);
        if (!missing.isEmpty() && !allowFewerFormats) {
            throw new InvalidMessageException("no audio for " + extensions(missing) + ": format=" + list
                    + " wants one --audio file for each of " + extensions(configured)
                    + " (or pass --allow-fewer-formats)", mailbox, target, null);
        }
    }

    private static String extensions(List<AudioFormat> formats) {
        return formats.stream().map(f -> "." + f.extension()).collect(Collectors.joining(", "));
    }

    private Instant parseTime(String text) {
        String t = text.strip();
        try {
            if (t.matches("\\d+")) {
                return Instant.ofEpochSecond(Long.parseLong(t));
            }
            return Instant.parse(t);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--orig-time '" + text
                    + "': expected seconds since 1970 or an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }
}
