package io.github.astlock.cli;

import io.github.astlock.AsteriskConfig;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.Errno;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.VoicemailConfig;
import io.github.astlock.voicemail.VoicemailException;
import io.github.astlock.voicemail.VoicemailIoException;
import io.github.astlock.voicemail.VoicemailOptions;
import io.github.astlock.voicemail.VoicemailSpool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every {@code astlock vm} command shares: where the spool and its configuration are,
 * the lock mode, the lock timeout and the backend; and opening the spool from them.
 */
final class VmSpoolOptions {
    @Option(names = "--spool", paramLabel = "DIR",
            description = "the voicemail directory, holding one directory per context (default: the voicemail"
                    + " directory under astspooldir of --conf, normally /var/spool/asterisk/voicemail)")
    Path spool;

    @Option(names = "--voicemail-conf", paramLabel = "FILE",
            description = "voicemail.conf with the audio formats and message limits (default: voicemail.conf in"
                    + " astetcdir of --conf; a missing default file means Asterisk's defaults: format=wav,"
                    + " maxmsg=100)")
    Path voicemailConf;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.Converter.class,
            description = "how long to wait for each folder's lock (default: ${DEFAULT-VALUE}, as Asterisk)")
    Duration timeout;

    final ModeSelection modes = new ModeSelection();

    /** The options of {@link ModeSelection#spec()}. */
    @Mixin
    CommandSpec modeOptions = modes.spec();

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    final BackendOption backend = new BackendOption();

    /** The options of {@link BackendOption#spec()}. */
    @Mixin
    CommandSpec backendOption = backend.spec();

    /**
     * Opens the spool.
     *
     * @param io      where to report
     * @param recover whether to finish or undo interrupted changes first (changing commands only)
     * @return the spool
     * @throws ConfigException    when a configuration file exists but cannot be read
     * @throws VoicemailException when the voicemail directory is missing
     */
    VoicemailSpool open(Io io, boolean recover) throws ConfigException, VoicemailException {
        Path conf = modes.conf.value().toAbsolutePath();
        AsteriskConfig asterisk;
        try {
            asterisk = AsteriskConfig.load(conf);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + conf + ": " + e.getMessage()
                    + "; fix its permissions, or pass --spool and --mode", e);
        }
        LockMode mode = modes.resolve(io);
        Path root = spool != null ? spool.toAbsolutePath() : asterisk.voicemailRoot();
        Path vmConf = voicemailConf != null ? voicemailConf.toAbsolutePath()
                : asterisk.etcDir().resolve("voicemail.conf");
        if (voicemailConf != null && !Files.isRegularFile(vmConf)) {
            throw new ConfigException("--voicemail-conf " + vmConf + ": no such file", null);
        }
        VoicemailConfig config;
        try {
            config = VoicemailConfig.load(vmConf);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + vmConf + ": " + e.getMessage()
                    + "; fix its permissions or pass --voicemail-conf", e);
        }
        for (String w : config.warnings()) {
            io.info(vmConf + ": " + w);
        }
        io.info("voicemail directory " + root + ", formats " + config.formats() + ", lock mode "
                + mode.asteriskName());
        PathLocker locker = backend.locker(LockOptions.builder().mode(mode).timeout(timeout).build());
        VoicemailOptions options = VoicemailOptions.builder().recoverOnOpen(recover).build();
        return VoicemailSpool.open(root, locker, config, options);
    }

    /**
     * Fails unless the mailbox has a directory in the spool.
     *
     * @param spool   the spool
     * @param mailbox the mailbox
     * @throws VoicemailException when it has none (exit 66)
     */
    static void requireMailbox(VoicemailSpool spool, Mailbox mailbox) throws VoicemailException {
        Path dir = spool.mailboxPath(mailbox);
        if (!Files.isDirectory(dir)) {
            throw new VoicemailIoException("no such mailbox", mailbox, null, null, dir, Errno.ENOENT, null);
        }
    }

    /**
     * Fails unless the mailbox exists in the spool or in {@code voicemail.conf}, or {@code create}
     * is set: a mistyped mailbox would otherwise get a directory of its own.
     *
     * @param spool   the spool
     * @param mailbox the destination mailbox
     * @param create  whether a new mailbox directory may be made
     * @throws VoicemailException when it is unknown (exit 66)
     */
    static void requireKnownMailbox(VoicemailSpool spool, Mailbox mailbox, boolean create) throws VoicemailException {
        if (create || Files.isDirectory(spool.mailboxPath(mailbox)) || spool.config().mailboxes().contains(mailbox)) {
            return;
        }
        throw new VoicemailIoException("no such mailbox, neither in the spool nor in voicemail.conf; pass --create to"
                + " make its directory", mailbox, null, null, spool.mailboxPath(mailbox), Errno.ENOENT, null);
    }

    /** Parses {@code MAILBOX[@CONTEXT]}. */
    static final class MailboxConverter implements ITypeConverter<Mailbox> {
        @Override
        public Mailbox convert(String value) {
            try {
                return Mailbox.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("invalid mailbox '" + value + "': " + e.getMessage()
                        + " (expected MAILBOX or MAILBOX@CONTEXT, for example 1234@default)");
            }
        }
    }

    /**
     * Parses a folder name, in any letter case, as Asterisk does. Folder names are converted when
     * the command runs, not while the command line is parsed: the folder names come from the
     * library's configuration class, and loading it during parsing would start logging before
     * {@code -v} or {@code --debug} chose the level.
     *
     * @param what  the option or parameter, for the message
     * @param value the name, or {@code null}
     * @return the folder, or {@code null} when {@code value} is
     * @throws CommandLine.ParameterException when it is no folder's name (exit 64)
     */
    Folder folder(String what, String value) {
        if (value == null) {
            return null;
        }
        return Folder.fromName(value).orElseThrow(() -> new CommandLine.ParameterException(mixee.commandLine(),
                "unknown folder '" + value + "' (" + what + "): expected one of " + Arrays.stream(Folder.values())
                        .map(Folder::dirName).collect(Collectors.joining(", "))));
    }
}
