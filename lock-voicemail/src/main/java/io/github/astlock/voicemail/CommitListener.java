package io.github.astlock.voicemail;

/**
 * Told about every change a {@link VoicemailSpool} has committed, for example to make Asterisk
 * refresh message-waiting lamps. It is called on the thread that made the change, after the
 * change is on disk and after every folder lock has been released. It should return quickly;
 * anything it throws does not undo the change and is not thrown to the caller of the operation:
 * it is added to the {@link OperationResult#notes() notes} of the result instead.
 */
@FunctionalInterface
public interface CommitListener {

    /**
     * Called once for each committed delivery, copy, move or delete.
     *
     * @param result what was changed: the mailbox and folder before and after
     */
    void committed(OperationResult result);
}
