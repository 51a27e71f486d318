package io.github.astlock.cli;

import io.github.astlock.LockException;
import io.github.astlock.LockHolder;
import io.github.astlock.LockOwner;
import io.github.astlock.LockStatus;
import io.github.astlock.voicemail.Anomaly;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.RecoveryReport;
import io.github.astlock.voicemail.VoicemailSpool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code astlock vm check}: reports what is wrong in mailboxes and repairs what is provably safe. */
@Command(name = "check", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class,
        header = "Look for problems in mailboxes; repair what is safe.",
        description = {"Looks through each MAILBOX (every mailbox of the spool when none is given) for messages"
            + " without audio, audio without a .txt, message ids carried twice, directories that are not Asterisk's"
            + " folders (such as inbox), .txt files Asterisk cannot read or play, stale or odd locks on the folders,"
            + " and changes of astlock that were interrupted (a crash). Without --repair nothing is changed.%n",
            "--repair finishes or undoes interrupted changes of astlock (their journals say which files are theirs)"
            + " and removes their staged files. Nothing else is touched: every other finding is made by Asterisk,"
            + " another tool or a person, and deleting it could lose a message; the report says what to do. A stale"
            + " lock is broken with 'astlock break-stale'.%n"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:nothing found (after the repair)",
            "1:something needs attention",
            "64:usage error",
            "66:no such voicemail directory or mailbox",
            "74:a mailbox or lock could not be read",
            "75:--repair: a folder's lock was held for the whole --timeout",
            "78:asterisk.conf or voicemail.conf exists but cannot be read"},
        footer = {"%nJSON (--json):",
            "  {\"repair\": null|[ENTRY...], \"mailboxes\": [MAILBOX...], \"problems\": N}",
            "  MAILBOX: {\"mailbox\", \"directory\", \"anomalies\": [ANOMALY...],",
            "            \"locks\": [LOCK...]}",
            "  ANOMALY: as in 'vm list'; kind is one of GHOST, ORPHAN,",
            "    DUPLICATE_MSG_ID, NON_CANONICAL_FOLDER, BACKUP_FILE, CACHE_FILE,",
            "    UNREADABLE_METADATA, MISSING_REQUIRED_KEY, MISSING_MSG_ID,",
            "    MISSING_FORMAT, STRAY_NAME, INDEX_OVER_LIMIT, INTERRUPTED_OPERATION",
            "  LOCK: a folder whose lock is held, stale or odd:",
            "    {\"folder\", \"stale\", \"status\"}, status as in 'astlock status --json'",
            "  ENTRY: {\"journal\", \"operation\", \"msgId\", \"outcome\", \"detail\"},",
            "    outcome COMPLETED, ROLLED_BACK, SKIPPED_LIVE or FAILED"})
final class VmCheckCommand extends VmVerb {
    @Option(names = "--repair", description = "finish or undo interrupted changes of astlock first")
    boolean repair;

    @Parameters(arity = "0..*", paramLabel = "MAILBOX", converter = VmSpoolOptions.MailboxConverter.class,
            description = "the mailboxes: 1234 or 1234@context (default: all)")
    List<Mailbox> mailboxes;

    VmCheckCommand(Io io) {
        super(io);
    }

    @Override
    public Integer call() throws Exception {
        VoicemailSpool spool = spoolOptions.open(io, false);
        List<Mailbox> boxes = mailboxes == null || mailboxes.isEmpty() ? spool.mailboxes() : mailboxes;
        for (Mailbox m : boxes) {
            VmSpoolOptions.requireMailbox(spool, m);
        }
        int status = ExitCodes.OK;
        long problems = 0;
        Json out = new Json(true).beginObject();
        out.name("repair");
        if (repair) {
            RecoveryReport report = spool.recover();
            out.beginArray();
            for (RecoveryReport.Entry e : report.entries()) {
                if (json) {
                    out.beginObject().name("journal").value(e.journal().toString()).name("operation").value(e.operation())
                       .name("msgId").value(e.msgId()).name("outcome").value(e.outcome().name())
                       .name("detail").value(e.detail()).endObject();
                } else {
                    io.out.println("repair: " + e.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " "
                            + e.operation().toLowerCase(Locale.ROOT) + (e.msgId().isEmpty() ? "" : " " + e.msgId())
                            + " (" + e.journal() + "): " + e.detail());
                }
                if (e.outcome() == RecoveryReport.Outcome.FAILED) {
                    problems++;
                }
            }
            out.endArray();
        } else {
            out.nullValue();
        }
        out.name("mailboxes").beginArray();
        for (Mailbox box : boxes) {
            List<Anomaly> anomalies = spool.inspect(box);
            problems += anomalies.size();
            out.beginObject().name("mailbox").value(box.toString())
               .name("directory").value(spool.mailboxPath(box).toString()).name("anomalies").beginArray();
            for (Anomaly a : anomalies) {
                if (json) {
                    VmReport.write(out, a);
                } else {
                    io.out.println(box + ": " + VmReport.line(a));
                }
            }
            out.endArray().name("locks").beginArray();
            for (Folder f : Folder.values()) {
                Path dir = spool.folderPath(box, f);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                LockStatus st;
                try {
                    st = spool.locker().status(dir);
                } catch (LockException e) {
                    String message = StatusCommand.inspectMessage(dir, e);
                    io.error(message);
                    status = Math.max(status, ExitCodes.IO_ERROR);
                    continue;
                }
                Optional<String> odd = StatusCommand.flockFileProblem(dir);
                boolean stale = dead(st.lockfile()) || dead(st.flock());
                if (!st.isHeld() && odd.isEmpty() && st.leftovers().isEmpty()) {
                    continue;
                }
                if (stale || odd.isPresent() || !st.leftovers().isEmpty()) {
                    problems++;
                }
                if (json) {
                    out.beginObject().name("folder").value(f.dirName()).name("stale").value(stale).name("status");
                    StatusCommand.write(out, st, odd);
                    out.endObject();
                } else {
                    io.out.println(box + ": lock " + (stale ? "STALE (its owner is dead; 'astlock break-stale"
                            + " --dead-owner " + dir + "' removes it) " : "") + StatusCommand.text(st, odd));
                }
            }
            out.endArray().endObject();
        }
        out.endArray().name("problems").value(problems).endObject();
        if (json) {
            io.out.println(out);
        } else {
            io.out.println(problems == 0 ? "no problems found in " + boxes.size()
                    + (boxes.size() == 1 ? " mailbox" : " mailboxes")
                    : problems + (problems == 1 ? " problem" : " problems") + " found in " + boxes.size()
                    + (boxes.size() == 1 ? " mailbox" : " mailboxes"));
        }
        io.out.flush();
        if (problems > 0) {
            status = Math.max(status, ExitCodes.HELD);
        }
        return status;
    }

    private static boolean dead(Optional<LockHolder> h) {
        return h.isPresent() && h.get().liveness() == LockOwner.Liveness.DEAD;
    }
}
