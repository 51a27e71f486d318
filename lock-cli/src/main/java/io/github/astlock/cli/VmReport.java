package io.github.astlock.cli;

import io.github.astlock.voicemail.Anomaly;
import io.github.astlock.voicemail.FolderListing;
import io.github.astlock.voicemail.MessageLocation;
import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailMessage;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * How the {@code vm} commands print messages, anomalies and changes, as text and as JSON. The
 * JSON shapes are documented in each command's help and in the README; keep them stable.
 */
final class VmReport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private VmReport() {
    }

    /** One line for a message: number, id, time, duration, caller and formats. */
    static String line(VoicemailMessage m) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%4d  %-20s  %-19s  %5s  ", m.index(), m.msgId().orElse("(no msg_id)"),
                time(m.metadata().origTime()), m.metadata().duration().isPresent()
                        ? m.metadata().duration().getAsInt() + "s" : "?"));
        sb.append(m.metadata().callerId().orElse("(no callerid)"));
        if (m.metadata().urgent()) {
            sb.append("  [urgent]");
        }
        sb.append("  ").append(m.audio().isEmpty() ? "(no audio)" : String.join(",", m.audio().keySet()));
        return sb.toString();
    }

    static String time(OptionalLong epochSeconds) {
        return epochSeconds.isPresent() ? TIME.format(Instant.ofEpochSecond(epochSeconds.getAsLong())) : "(no time)";
    }

    /** One line for an anomaly. */
    static String line(Anomaly a) {
        return a.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + a.path()
                + a.msgId().map(id -> " (" + id + ")").orElse("") + ": " + a.detail();
    }

    /** One line for a committed change. */
    static String line(OperationResult r, boolean dryRun) {
        String verb;
        switch (r.operation()) {
            case DELIVER: verb = "delivered"; break;
            case MOVE: verb = "moved"; break;
            case COPY: verb = "copied"; break;
            default: verb = "deleted"; break;
        }
        StringBuilder sb = new StringBuilder(dryRun ? "would delete" : verb).append(' ').append(r.msgId());
        r.before().ifPresent(b -> sb.append(" from ").append(where(b)));
        r.after().ifPresent(a -> sb.append(" to ").append(where(a)));
        for (String n : r.notes()) {
            sb.append("\n  note: ").append(n);
        }
        return sb.toString();
    }

    private static String where(MessageLocation l) {
        return l.mailbox() + " " + l.folder().dirName() + " (" + l.baseName() + ")";
    }

    /** Writes a listing: folder, directory, count, messages, anomalies. */
    static void write(Json out, FolderListing l) {
        out.beginObject().name("folder").value(l.folder().dirName()).name("directory").value(l.directory().toString())
           .name("count").value(l.count()).name("messages").beginArray();
        for (VoicemailMessage m : l.messages()) {
            write(out, m, false);
        }
        out.endArray().name("anomalies").beginArray();
        for (Anomaly a : l.anomalies()) {
            write(out, a);
        }
        out.endArray().endObject();
    }

    /**
     * Writes a message; with {@code full}, every key of its {@code .txt} and the parser's warnings too.
     *
     * @param out  the JSON
     * @param m    the message
     * @param full whether to add {@code metadata} and {@code warnings}
     */
    static void write(Json out, VoicemailMessage m, boolean full) {
        out.beginObject()
           .name("msgId").value(m.msgId().orElse(null))
           .name("mailbox").value(m.location().mailbox().toString())
           .name("folder").value(m.location().folder().dirName())
           .name("index").value(m.index())
           .name("txt").value(m.txtFile().toString())
           .name("callerId").value(m.metadata().callerId().orElse(null));
        out.name("origTime");
        number(out, m.metadata().origTime());
        out.name("origDate").value(m.metadata().origDate().orElse(null));
        out.name("duration");
        OptionalInt d = m.metadata().duration();
        if (d.isPresent()) {
            out.value(d.getAsInt());
        } else {
            out.nullValue();
        }
        out.name("flag").value(m.metadata().flag()).name("urgent").value(m.metadata().urgent());
        out.name("audio").beginObject();
        for (Map.Entry<String, Path> a : m.audio().entrySet()) {
            out.name(a.getKey()).value(a.getValue().toString());
        }
        out.endObject();
        if (full) {
            out.name("metadata").beginObject();
            for (Map.Entry<String, String> e : m.metadata().entries()) {
                out.name(e.getKey()).value(e.getValue());
            }
            out.endObject().name("warnings").beginArray();
            for (String w : m.metadata().warnings()) {
                out.value(w);
            }
            out.endArray();
        }
        out.endObject();
    }

    private static void number(Json out, OptionalLong n) {
        if (n.isPresent()) {
            out.value(n.getAsLong());
        } else {
            out.nullValue();
        }
    }

    /** Writes an anomaly: kind, path, mailbox, folder, index, msgId, detail. */
    static void write(Json out, Anomaly a) {
        out.beginObject().name("kind").value(a.kind().name()).name("path").value(a.path().toString())
           .name("mailbox").value(a.mailbox().toString())
           .name("folder").value(a.folder().map(f -> f.dirName()).orElse(null));
        out.name("index");
        if (a.index().isPresent()) {
            out.value(a.index().getAsInt());
        } else {
            out.nullValue();
        }
        out.name("msgId").value(a.msgId().orElse(null)).name("detail").value(a.detail()).endObject();
    }

    /** Writes a committed (or planned) change: operation, msgId, from, to, notes. */
    static void write(Json out, OperationResult r) {
        out.beginObject().name("operation").value(r.operation().name().toLowerCase(Locale.ROOT))
           .name("msgId").value(r.msgId());
        out.name("from");
        location(out, r.before());
        out.name("to");
        location(out, r.after());
        out.name("notes").beginArray();
        for (String n : r.notes()) {
            out.value(n);
        }
        out.endArray().endObject();
    }

    private static void location(Json out, Optional<MessageLocation> l) {
        if (l.isEmpty()) {
            out.nullValue();
            return;
        }
        out.beginObject().name("mailbox").value(l.get().mailbox().toString())
           .name("folder").value(l.get().folder().dirName()).name("index").value(l.get().index()).endObject();
    }

    /** Writes a change that failed: its message id, the error and its exit status. */
    static void writeError(Json out, String msgId, String message, int status) {
        out.beginObject().name("msgId").value(msgId).name("error").value(message).name("exitCode").value(status)
           .endObject();
    }
}
