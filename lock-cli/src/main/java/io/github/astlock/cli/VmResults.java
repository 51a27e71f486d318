package io.github.astlock.cli;

import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailException;
import java.util.List;

/**
 * The outcome of a {@code vm} command that changes messages, one message at a time: each change
 * or failure is printed as it happens (text), or collected into
 * {@code {"dryRun": B, "results": [...]}} (JSON). The exit status is the highest of the failures'.
 */
final class VmResults {
    private final Io io;
    private final boolean json;
    private final boolean dryRun;
    private final Json out = new Json(true);
    private int status = ExitCodes.OK;

    VmResults(Io io, boolean json, boolean dryRun) {
        this.io = io;
        this.json = json;
        this.dryRun = dryRun;
        out.beginObject().name("dryRun").value(dryRun).name("results").beginArray();
    }

    /** A change was made (or, in a dry run, would be). */
    void done(OperationResult r) {
        if (json) {
            VmReport.write(out, r);
        } else {
            io.out.println(VmReport.line(r, dryRun));
            io.out.flush();
        }
    }

    /** A change failed; the others go on. */
    void failed(String msgId, Exception e) {
        int code = ExitCodes.of(e);
        status = Math.max(status, code);
        String message = Messages.forAdmin(e.getMessage() == null ? e.toString() : e.getMessage());
        io.error(message);
        if (json) {
            VmReport.writeError(out, msgId, message, code);
        }
    }

    /** One change, to one message named by its id. */
    @FunctionalInterface
    interface Change {
        /**
         * Makes the change.
         *
         * @param msgId the message's id
         * @return what was done
         * @throws VoicemailException when the change fails
         */
        OperationResult apply(String msgId) throws VoicemailException;
    }

    /**
     * Makes {@code change} to each message in turn; a failure is reported and the others go on.
     *
     * @param msgIds the messages' ids
     * @param change the change
     * @return the exit status
     */
    int each(List<String> msgIds, Change change) {
        for (String id : msgIds) {
            try {
                done(change.apply(id));
            } catch (VoicemailException e) {
                failed(id, e);
            }
        }
        return finish();
    }

    /**
     * Prints the JSON, if asked for.
     *
     * @return the exit status
     */
    int finish() {
        if (json) {
            io.out.println(out.endArray().endObject());
        }
        io.out.flush();
        return status;
    }
}
