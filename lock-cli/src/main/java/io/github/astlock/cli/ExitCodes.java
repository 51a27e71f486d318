package io.github.astlock.cli;

import io.github.astlock.BackendSelectionException;
import io.github.astlock.LockFailedException;
import io.github.astlock.LockPathException;
import io.github.astlock.LockTimeoutException;
import io.github.astlock.spi.Errno;
import io.github.astlock.voicemail.AmbiguousMessageIdException;
import io.github.astlock.voicemail.InvalidMessageException;
import io.github.astlock.voicemail.MailboxFullException;
import io.github.astlock.voicemail.MessageNotFoundException;
import io.github.astlock.voicemail.VoicemailException;
import io.github.astlock.voicemail.VoicemailLockException;

/**
 * The exit statuses of {@code astlock}. Failures of astlock itself use the {@code sysexits.h}
 * numbers, so scripts can tell "try again later" (75) from "fix the setup" (69, 73, 78).
 * {@code astlock run} otherwise exits with its command's own status, so a command that itself
 * exits with one of these numbers is indistinguishable by the status alone; astlock's own
 * failures always print a message starting with {@code astlock:} on standard error.
 *
 * <table>
 *   <caption>exit statuses</caption>
 *   <tr><th>status</th><th>meaning</th></tr>
 *   <tr><td>0</td><td>success; {@code status}: every folder is free; {@code break-stale}: a stale lock was (or would be) broken</td></tr>
 *   <tr><td>1</td><td>{@code status}: some folder is held; {@code break-stale}: nothing is stale;
 *       {@code vm check}: something needs attention</td></tr>
 *   <tr><td>64</td><td>bad usage: unknown option, invalid duration or mode, missing argument</td></tr>
 *   <tr><td>65</td><td>{@code vm}: the input or the spool does not allow the change: audio formats that do not
 *       match {@code voicemail.conf}, a value Asterisk would misread, several messages with the same id</td></tr>
 *   <tr><td>66</td><td>{@code vm}: no such voicemail directory, mailbox or message</td></tr>
 *   <tr><td>69</td><td>the lock was refused ({@link LockFailedException}: a symbolic link or odd file is in the way,
 *       mode or file system unsupported), or no usable backend ({@link BackendSelectionException})</td></tr>
 *   <tr><td>70</td><td>{@code run}: the lock was lost while the command ran, and the command itself succeeded; or an
 *       internal error</td></tr>
 *   <tr><td>73</td><td>the folder does not exist or is not a folder, or the lock file cannot be created in it
 *       ({@link LockPathException}: permission, read-only, no space); {@code vm}: the destination folder is
 *       full</td></tr>
 *   <tr><td>74</td><td>another I/O error while inspecting, breaking or releasing a lock</td></tr>
 *   <tr><td>75</td><td>{@code run}: someone else held the lock for the whole timeout ({@link LockTimeoutException})</td></tr>
 *   <tr><td>78</td><td>{@code --mode auto}: {@code asterisk.conf} exists but cannot be read; {@code vm}: a
 *       configuration file cannot be read</td></tr>
 *   <tr><td>126</td><td>{@code run}: the command was found but cannot be executed</td></tr>
 *   <tr><td>127</td><td>{@code run}: the command was not found</td></tr>
 *   <tr><td>128+n</td><td>{@code run}: the command was killed by signal n, or astlock itself was stopped by signal n
 *       (130 for SIGINT, 143 for SIGTERM) after stopping the command and releasing the lock</td></tr>
 * </table>
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** {@code status}: a folder is held; {@code break-stale}: nothing stale. */
    public static final int HELD = 1;
    /** EX_USAGE: the command line is wrong. */
    public static final int USAGE = 64;
    /** EX_DATAERR: {@code vm}: the input or the spool's content does not allow the change. */
    public static final int DATA_ERR = 65;
    /** EX_NOINPUT: {@code vm}: no such voicemail directory, mailbox or message. */
    public static final int NO_INPUT = 66;
    /** EX_UNAVAILABLE: the lock was refused, or no usable backend. */
    public static final int UNAVAILABLE = 69;
    /** EX_SOFTWARE: the lock was lost while the command ran (and the command succeeded), or an internal error. */
    public static final int SOFTWARE = 70;
    /** EX_CANTCREAT: the folder is missing or the lock file cannot be created. */
    public static final int CANT_CREATE = 73;
    /** EX_IOERR: another I/O error. */
    public static final int IO_ERROR = 74;
    /** EX_TEMPFAIL: the lock was held by someone else for the whole timeout. */
    public static final int TEMP_FAIL = 75;
    /** EX_CONFIG: {@code asterisk.conf} exists but cannot be read. */
    public static final int CONFIG = 78;
    /** The command cannot be executed (as in POSIX shells). */
    public static final int CANNOT_EXECUTE = 126;
    /** The command was not found (as in POSIX shells). */
    public static final int NOT_FOUND = 127;
    /** Added to a signal number: the command, or astlock, was killed by that signal. */
    public static final int SIGNAL_BASE = 128;

    private ExitCodes() {
    }

    /**
     * The status for a failure of astlock itself.
     *
     * @param e the failure
     * @return the status
     */
    static int of(Throwable e) {
        if (e instanceof VoicemailException) {
            return ofVoicemail((VoicemailException) e);
        }
        if (e instanceof LockTimeoutException) {
            return TEMP_FAIL;
        }
        if (e instanceof LockPathException) {
            return CANT_CREATE;
        }
        if (e instanceof LockFailedException || e instanceof BackendSelectionException) {
            return UNAVAILABLE;
        }
        if (e instanceof ConfigException) {
            return CONFIG;
        }
        if (e instanceof java.io.IOException) {
            return IO_ERROR;
        }
        return SOFTWARE;
    }

    private static int ofVoicemail(VoicemailException e) {
        if (e instanceof VoicemailLockException) {
            return of(((VoicemailLockException) e).lockCause());
        }
        if (e instanceof MessageNotFoundException) {
            return NO_INPUT;
        }
        if (e instanceof AmbiguousMessageIdException || e instanceof InvalidMessageException) {
            return DATA_ERR;
        }
        if (e instanceof MailboxFullException) {
            return CANT_CREATE;
        }
        if (e.errno().filter(x -> x.equals(Errno.ENOENT) || x.equals(Errno.ENOTDIR)).isPresent()) {
            return NO_INPUT;
        }
        return IO_ERROR;
    }
}
