package io.github.astlock.cli;

import io.github.astlock.PathLocker;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code astlock} command. {@link #main(String[])} is the entry point of the runnable jar;
 * {@link #execute(String...)} runs one command line in-process and returns its exit status
 * (see {@link ExitCodes}) without exiting the JVM.
 *
 * <pre>
 * astlock run [--mode lockfile|flock|both|auto] [--timeout 5s] DIR [--] COMMAND [ARG...]
 * astlock run [OPTIONS] DIR... -- COMMAND [ARG...]
 * astlock status [--json] DIR...
 * astlock break-stale [--older-than DURATION] [--dead-owner] [--yes] DIR
 * astlock vm list|show|deliver|move|copy|delete|check [--spool DIR] [--conf FILE] ...
 * astlock demo [--keep]
 * </pre>
 *
 * <p>In-process use shares the JVM with its caller: log levels are fixed when the first logger
 * is made, and on SIGTERM the library's own release-at-exit hook (which {@code main} switches
 * off) may release a lock before {@code run} has stopped its command.
 *
 * <p>{@code astlock} itself and {@code run} are defined in code (the model is built by a method
 * of each) rather than with picocli's annotations, which picocli reads
 * by reflection on every start; the other commands, used less often from scripts, keep them.
 */
public final class AstlockCli implements Callable<Integer> {
    /** The names of the commands, in the order of the usage text. */
    private static final List<String> COMMANDS = List.of("run", "status", "break-stale", "vm", "demo", "backends", "help");
    /** JNA's list of the system's library folders; when it is set, JNA does not search for them. */
    private static final String JNA_LIBRARY_FOLDERS = "jna.platform.library.path";
    /** picocli's list of built-in converters it does not set up (regular expressions of class names). */
    static final String PICOCLI_CONVERTER_EXCLUDES = "picocli.converters.excludes";

    private final Io io;

    CommandSpec spec;

    /** A command line that writes to the process's standard output and error. */
    public AstlockCli() {
        this(writer(System.out), writer(System.err), Terminal.stderrIsTerminal());
    }

    /**
     * A command line writing to the given streams, for embedding and tests.
     *
     * @param out           receives results (status reports, the demo)
     * @param err           receives messages, warnings, errors and the progress line
     * @param errIsTerminal whether {@code err} is a terminal (the progress line is then rewritten in place)
     */
    public AstlockCli(PrintWriter out, PrintWriter err, boolean errIsTerminal) {
        this.io = new Io(out, err, errIsTerminal);
    }

    /**
     * Runs {@code astlock} and exits the JVM with its status. Switches off the library's own
     * release-at-exit hook ({@value PathLocker#SHUTDOWN_HOOK_PROPERTY}), because JVM shutdown
     * hooks run in no defined order and {@code run} must stop its command before the lock is
     * released; {@code astlock}'s own hook does both, in that order. Also tells JNA not to
     * search the system's library folders, which astlock does not need (unless
     * {@code jna.platform.library.path} is set already).
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.setProperty(PathLocker.SHUTDOWN_HOOK_PROPERTY, "false");
        // JNA lists the system's library folders (it runs "ldconfig -p") before it loads its
        // first library. The only library astlock binds through JNA is the C library, which is
        // already part of the process, so that search is not needed.
        if (System.getProperty(JNA_LIBRARY_FOLDERS) == null) {
            System.setProperty(JNA_LIBRARY_FOLDERS, "");
        }
        // picocli looks up converters for java.sql and java.time types by reflection on every
        // start; no option of astlock has such a type (durations have their own converter)
        if (System.getProperty(PICOCLI_CONVERTER_EXCLUDES) == null) {
            System.setProperty(PICOCLI_CONVERTER_EXCLUDES, "java\\.(sql|time)\\..*");
        }
        int status = new AstlockCli().execute(args);
        System.exit(status);
    }

    /**
     * Runs one command line.
     *
     * @param args the arguments, without the program name
     * @return the exit status, see {@link ExitCodes}
     */
    public int execute(String... args) {
        // the usual "run" command line is read without picocli, which takes long to set up
        QuickRun quick = QuickRun.parse(args, io);
        if (quick != null) {
            try {
                io.level(quick.level);
                Logging.configure(quick.level);
                return quick.run.run(quick.split);
            } catch (Exception e) {
                return failure(e, null);
            } finally {
                io.out.flush();
                io.err.flush();
            }
        }
        CommandLine cl = commandLine(args);
        cl.setOut(io.out);
        cl.setErr(io.err);
        cl.setExpandAtFiles(false); // "@file" in a COMMAND's arguments must stay as it is
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionStrategy(this::executeParsed);
        cl.setParameterExceptionHandler(this::usageError);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> failure(e, cmd));
        try {
            return cl.execute(args);
        } finally {
            io.out.flush();
            io.err.flush();
        }
    }

    /**
     * The model of {@code astlock} with the commands a command line needs: when it names one
     * command, only that one is built (building a command's model costs start-up time);
     * otherwise (help, no or an unknown command) all are.
     *
     * @param args the command line
     * @return the command line of {@code astlock}
     */
    CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(rootSpec());
        String named = commandNamed(args);
        for (String name : COMMANDS) {
            if (named == null || named.equals(name)) {
                cl.addSubcommand(command(name));
            }
        }
        return cl;
    }

    /**
     * The {@code astlock} command itself: its options and help text.
     *
     * @return its model, bound to this object
     */
    private CommandSpec rootSpec() {
        CommandSpec root = CommandSpec.wrapWithoutInspection(this);
        root.name("astlock");
        root.versionProvider(new Version());
        root.usageMessage().synopsisSubcommandLabel("COMMAND")
                .description("Locks folders exactly as the Asterisk PBX does (ast_lock_path), so scripts can move, back up"
                        + " or purge voicemail safely while Asterisk runs.%n")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(UsageMessageSpec.keyValuesMap("0:success; status: all free; break-stale: stale lock (would be) broken",
                        "1:status: some folder is held; break-stale: nothing stale; vm check: something needs attention",
                        "64:usage error (bad option, duration or mode, missing argument)",
                        "65:vm: the input or the spool does not allow the change (audio formats, bad value, duplicate id)",
                        "66:vm: no such voicemail directory, mailbox or message",
                        "69:lock refused (symlink or odd file named lock, mode unsupported by the backend), no usable backend;"
                        + " status: such a lock file found",
                        "70:run: the lock was lost while COMMAND ran and COMMAND succeeded; internal error",
                        "73:folder missing or not a directory, or the lock file cannot be created (permission, read-only, full);"
                        + " vm: destination folder full",
                        "74:other I/O error while inspecting, breaking or releasing a lock",
                        "75:run: timeout, someone else held the lock for the whole --timeout",
                        "78:--mode auto: asterisk.conf exists but cannot be read; vm: a configuration file cannot be read",
                        "126:run: COMMAND cannot be executed",
                        "127:run: COMMAND not found",
                        "128+n:run: COMMAND killed by signal n, or astlock stopped by signal n (130 SIGINT, 143 SIGTERM)",
                        "other:run: COMMAND's own exit status"))
                .footer("%nRun 'astlock COMMAND --help' for the options of a command; 'astlock demo' shows it all.");
        standardHelpOptions(root);
        root.addOption(OptionSpec.builder("-v", "--verbose").type(boolean.class).scopeType(ScopeType.INHERIT)
                .description("say what is decided (mode, backend, configuration) and log at INFO").build());
        root.addOption(OptionSpec.builder("--debug").type(boolean.class).scopeType(ScopeType.INHERIT)
                .description("log at DEBUG and print stack traces").build());
        spec = root;
        return root;
    }

    /**
     * Adds {@code -h, --help} and {@code -V, --version} to a command defined in code, as
     * {@code mixinStandardHelpOptions} does for an annotated one (which reads picocli's own
     * annotations to do so).
     *
     * @param command the command
     */
    static void standardHelpOptions(CommandSpec command) {
        command.addOption(OptionSpec.builder("-h", "--help").type(boolean.class).usageHelp(true)
                .description("Show this help message and exit.").build());
        command.addOption(OptionSpec.builder("-V", "--version").type(boolean.class).versionHelp(true)
                .description("Print version information and exit.").build());
    }

    /**
     * Builds one command by its name.
     *
     * @param name one of {@link #COMMANDS}
     * @return the command object or its {@link CommandLine}
     */
    private Object command(String name) {
        switch (name) {
            case "run": return RunCommand.commandLine(io);
            case "status": return new StatusCommand(io);
            case "break-stale": return new BreakStaleCommand(io);
            case "vm": return VmCommand.commandLine(io);
            case "demo": return new DemoCommand(io);
            case "backends": return new BackendsCommand(io);
            case "help": return new CommandLine.HelpCommand();
            default: throw new IllegalArgumentException(name);
        }
    }

    /**
     * The command a command line names, when that is certain: its first word that is not one of
     * {@code astlock}'s own logging options, if that is a command other than {@code help}.
     * {@code null} otherwise (an option such as {@code --help}, a mistyped command, none), and
     * then every command is needed.
     */
    private static String commandNamed(String[] args) {
        for (String a : args) {
            if (a.equals("-v") || a.equals("--verbose") || a.equals("--debug")) {
                continue;
            }
            return COMMANDS.contains(a) && !a.equals("help") ? a : null;
        }
        return null;
    }

    /** Without a command: show the usage and fail. */
    @Override
    public Integer call() {
        io.error("no command given");
        spec.commandLine().usage(io.err);
        return ExitCodes.USAGE;
    }

    private int executeParsed(ParseResult parsed) {
        Logging.Level level = level(parsed);
        io.level(level);
        Logging.configure(level);
        return new CommandLine.RunLast().execute(parsed);
    }

    /**
     * The log level a parsed command line asks for: {@code --debug} or {@code -v} at any level.
     *
     * @param parsed the parsed command line
     * @return the level
     */
    static Logging.Level level(ParseResult parsed) {
        Logging.Level level = Logging.Level.WARN;
        for (ParseResult r = parsed; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--debug")) {
                level = Logging.Level.DEBUG;
            } else if (r.hasMatchedOption("--verbose") && level == Logging.Level.WARN) {
                level = Logging.Level.INFO;
            }
        }
        return level;
    }

    private int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        io.error(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, io.err);
        String name = cmd.getCommandSpec().qualifiedName();
        io.err.println("Try '" + name + " --help' for more information.");
        io.err.flush();
        if (wantsJson(cmd, args)) {
            io.out.println(jsonError(e.getMessage(), ExitCodes.USAGE));
            io.out.flush();
        }
        return ExitCodes.USAGE;
    }

    private int failure(Exception e, CommandLine cmd) {
        if (e instanceof CommandLine.ParameterException) {
            return usageError((CommandLine.ParameterException) e, new String[0]);
        }
        String message = Messages.forAdmin(e.getMessage() == null ? e.toString() : e.getMessage());
        io.error(message);
        if (io.debug() || !(e instanceof java.io.IOException || e instanceof ConfigException
                || e instanceof IllegalStateException)) {
            e.printStackTrace(io.err);
        }
        io.err.flush();
        int status = ExitCodes.of(e);
        if (wantsJson(cmd, new String[0])) {
            io.out.println(jsonError(message, status));
            io.out.flush();
        }
        return status;
    }

    /** Whether {@code --json} was asked for (only commands that have the option). */
    private static boolean wantsJson(CommandLine cmd, String[] args) {
        if (cmd == null || !(cmd.getCommand() instanceof JsonOutput)) {
            return false;
        }
        if (((JsonOutput) cmd.getCommand()).json()) {
            return true;
        }
        return java.util.Arrays.asList(args).contains("--json");
    }

    /**
     * The JSON printed on standard output instead of a result when a command with
     * {@code --json} fails as a whole: {@code {"error": "...", "exitCode": N}}.
     *
     * @param message the error message
     * @param status  the exit status
     * @return the JSON text
     */
    static String jsonError(String message, int status) {
        return new Json(false).beginObject().name("error").value(message).name("exitCode").value(status).endObject()
                .toString();
    }

    private static PrintWriter writer(PrintStream stream) {
        String enc = System.getProperty(stream == System.out ? "stdout.encoding" : "stderr.encoding");
        Charset cs;
        try {
            cs = enc == null ? Charset.defaultCharset() : Charset.forName(enc);
        } catch (RuntimeException e) {
            cs = Charset.defaultCharset();
        }
        return new PrintWriter(new OutputStreamWriter(stream, cs), true);
    }

    /**
     * Returns astlock's own version: from the Maven descriptor of this module inside the jar
     * (the runnable jar merges the manifests of every bundled library, so its manifest is not
     * trusted first), else from a manifest entry that names astlock, else "(development build)".
     *
     * @return the version
     */
    static String version() {
        try (java.io.InputStream in = AstlockCli.class.getResourceAsStream(
                "/META-INF/maven/io.github.astlock/lock-cli/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v.strip();
                }
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        Package pkg = AstlockCli.class.getPackage();
        String title = pkg.getImplementationTitle();
        String v = pkg.getImplementationVersion();
        if (v != null && title != null && (title.equals("astlock") || title.contains("lock-cli"))) {
            return v;
        }
        return "(development build)";
    }

    /** The version shown by {@code --version} of every command. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"astlock " + version() + ", Java " + Runtime.version() + " ("
                    + System.getProperty("java.vendor", "?") + ")"};
        }
    }
}
