package io.github.astlock.cli;

import io.github.astlock.AsteriskConfig;
import io.github.astlock.LockMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --mode} and {@code --conf} options, and how {@code --mode auto} decides: it reads
 * {@code lockmode} from {@code asterisk.conf} as Asterisk does (a missing file, an invalid file
 * or an invalid value all mean {@code lockfile}), then checks for drift (REC-2): when a file of
 * the configuration changed after the running Asterisk started, Asterisk may still use the old
 * mode, and a warning says so.
 */
final class ModeSelection {
    /** The default of {@code --mode}. */
    static final String DEFAULT_MODE = "auto";

    /** The default of {@code --conf}. */
    static final String DEFAULT_CONF = "/etc/asterisk/asterisk.conf";

    /** The value of {@code --mode}: a fixed mode, or a {@link Choice} of {@code null} for {@code auto}. */
    final Binding<Choice> mode = new Binding<>();

    /** The value of {@code --conf}. */
    final Binding<Path> conf = new Binding<>();

    /**
     * The options {@code --mode} and {@code --conf}, bound to this object: a mixin for a command
     * defined in code, and for an annotated one through a {@code @Mixin} field of type
     * {@link CommandSpec}. Written in code rather than with annotations, which picocli reads by
     * reflection on every start.
     *
     * @return the mixin
     */
    CommandSpec spec() {
        CommandSpec mixin = CommandSpec.wrapWithoutInspection(this);
        mixin.addOption(OptionSpec.builder("--mode").paramLabel("MODE").defaultValue(DEFAULT_MODE).type(Choice.class)
                .converters(new ModeConverter())
                .description("lockfile (<DIR>/.lock, Asterisk's default), flock (<DIR>/lock), both (flock and lockfile,"
                        + " excludes Asterisk in either mode) or auto: the lockmode of --conf (default: ${DEFAULT-VALUE})")
                .setter(mode).getter(mode).build());
        mixin.addOption(OptionSpec.builder("--conf").paramLabel("FILE").defaultValue(DEFAULT_CONF)
                .type(Path.class).converters(new PathConverter())
                .description("asterisk.conf read by --mode auto; a missing file means lockfile, as for Asterisk"
                        + " (default: ${DEFAULT-VALUE})")
                .setter(conf).getter(conf).build());
        return mixin;
    }

    /** A parsed {@code --mode} value. */
    static final class Choice {
        final LockMode mode; // null = auto

        Choice(LockMode mode) {
            this.mode = mode;
        }

        @Override
        public String toString() {
            return mode == null ? "auto" : mode.asteriskName();
        }
    }

    /** Parses {@code --conf}: as picocli's own converter for paths does, without its reflection. */
    static final class PathConverter implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            return Path.of(value);
        }
    }

    /** Parses {@code --mode}. */
    static final class ModeConverter implements ITypeConverter<Choice> {
        @Override
        public Choice convert(String value) {
            if (value.strip().equalsIgnoreCase("auto")) {
                return new Choice(null);
            }
            try {
                return new Choice(LockMode.parse(value));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown mode '" + value
                        + "': expected lockfile, flock, both or auto");
            }
        }
    }

    /**
     * The mode to lock with.
     *
     * @param io where to report
     * @return the mode
     * @throws ConfigException when {@code asterisk.conf} exists but cannot be read
     */
    LockMode resolve(Io io) throws ConfigException {
        Choice choice = mode.value();
        if (choice != null && choice.mode != null) {
            return choice.mode;
        }
        return auto(conf.value(), io);
    }

    static LockMode auto(Path conf, Io io) throws ConfigException {
        AsteriskConfig config;
        try {
            config = AsteriskConfig.load(conf);
        } catch (IOException e) {
            throw new ConfigException("--mode auto: cannot read " + conf + ": " + e.getMessage()
                    + "; fix its permissions or pass --mode lockfile|flock|both", e);
        }
        if (!config.exists()) {
            io.info("--mode auto: " + conf + " does not exist; Asterisk then runs with its defaults: lockfile");
            return LockMode.LOCKFILE;
        }
        // AsteriskConfig logs each of its warnings itself (WARN), so they are not repeated here
        LockMode mode = config.lockMode();
        io.info("--mode auto: " + conf + (config.valid() ? "" : " is invalid, Asterisk ignores it and uses its defaults")
                + ": lockmode " + mode.asteriskName());
        checkDrift(config, io);
        return mode;
    }

    /**
     * REC-2: warns when a file of the configuration is newer than the running Asterisk.
     *
     * @param config the configuration read
     * @param io     where to report
     */
    static void checkDrift(AsteriskConfig config, Io io) {
        Path pidFile = config.pidFile();
        String text;
        try {
            text = Files.readString(pidFile).strip();
        } catch (NoSuchFileException e) {
            io.info("--mode auto: no " + pidFile + ", so Asterisk does not seem to run; no check whether "
                    + "asterisk.conf changed after Asterisk started");
            return;
        } catch (IOException e) {
            io.info("--mode auto: cannot read " + pidFile + " (" + e + "); no check whether asterisk.conf changed"
                    + " after Asterisk started");
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            io.info("--mode auto: " + pidFile + " does not hold a process id ('" + text + "'); no drift check");
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            io.info("--mode auto: Asterisk (pid " + pid + " from " + pidFile + ") is not running; no drift check");
            return;
        }
        Optional<Instant> started = process.get().info().startInstant();
        if (started.isEmpty()) {
            io.info("--mode auto: cannot tell when pid " + pid + " started; no drift check");
            return;
        }
        List<String> newer = new ArrayList<>();
        for (Path f : config.files()) {
            try {
                Instant modified = Files.getLastModifiedTime(f).toInstant();
                if (modified.isAfter(started.get())) {
                    newer.add(f + " (modified " + Time.FORMAT.format(modified) + ")");
                }
            } catch (IOException e) {
                io.info("--mode auto: cannot read the modification time of " + f + ": " + e);
            }
        }
        if (newer.isEmpty()) {
            io.info("--mode auto: Asterisk (pid " + pid + ") started " + Time.FORMAT.format(started.get())
                    + ", after every file of its configuration changed");
            return;
        }
        io.warn(String.join(", ", newer) + " changed after Asterisk (pid " + pid + ") started at "
                + Time.FORMAT.format(started.get()) + "; Asterisk reads lockmode only at start-up, so the mode Asterisk "
                + "really uses may differ; restart Asterisk or pass --mode");
    }

    /** The format of times in messages; a class of its own, so it is built only when a message needs it. */
    private static final class Time {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SS", Locale.ROOT)
                .withZone(ZoneId.systemDefault());
    }
}
