package io.github.astlock.voicemail.ami;

import java.io.IOException;

/**
 * An AMI request failed: Asterisk could not be reached, refused the login, answered with an
 * error, or (for the voicemail actions that answer {@code Success} even on failure) reported the
 * failure in its message text. The message names the address, the action and the mailbox when
 * there is one; it never contains the secret.
 */
public class AmiException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The AMI action that failed. */
    private final String action;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming address, action and mailbox
     * @param action  the AMI action, for example {@code VoicemailRefresh}
     * @param cause   the cause, may be {@code null}
     */
    public AmiException(String message, String action, Throwable cause) {
        super(message, cause);
        this.action = action;
    }

    /**
     * Returns the AMI action that failed.
     *
     * @return for example {@code Login} or {@code VoicemailMove}
     */
    public String action() {
        return action;
    }
}
