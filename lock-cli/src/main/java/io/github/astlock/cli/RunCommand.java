package io.github.astlock.cli;

import io.github.astlock.LockException;
import io.github.astlock.LockLostException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * {@code astlock run}: takes the lock of one or more directories, runs COMMAND with the standard
 * streams inherited in a session of its own, waits until COMMAND and everything it started has
 * ended, releases the locks and exits with COMMAND's status. On SIGTERM, SIGINT or SIGHUP it sends
 * SIGTERM to every process of COMMAND's session, waits up to {@value #GRACE_SECONDS} s (then
 * SIGKILL), and only then releases.
 *
 * <p>Options of astlock come before DIR; everything after DIR is COMMAND, options included
 * (a {@code --} right after DIR is allowed). Several directories need {@code --} before COMMAND.
 *
 * <p>The definition of {@code run} is written in code ({@link #commandLine(Io)}) rather than with
 * picocli's annotations: reading annotations by reflection is a noticeable part of the start-up
 * time of a command that scripts call once per folder.
 */
final class RunCommand implements Callable<Integer> {
    /** Seconds COMMAND has to stop after SIGTERM before it is killed. */
    static final int GRACE_SECONDS = 3;

    /** The default of {@code --timeout}. */
    static final String DEFAULT_TIMEOUT = "5s";

    private static final Pattern ERRNO = Pattern.compile("error(?:=|: )(\\d+)");

    private final Io io;

    CommandSpec spec;

    final ModeSelection modes = new ModeSelection();

    /** {@code --timeout}. */
    final Binding<Duration> timeout = new Binding<>();

    final BackendOption backend = new BackendOption();

    /** {@code -q}, {@code --quiet}. */
    final Binding<Boolean> quiet = new Binding<>(Boolean.FALSE);

    /** DIR... [--] COMMAND [ARG...]. */
    final Binding<List<String>> words = new Binding<>();

    private List<String> command = List.of();

    RunCommand(Io io) {
        this.io = io;
    }

    /**
     * The {@code run} command: its options, parameters and help text.
     *
     * @param io where the command writes
     * @return the command line of {@code run}
     */
    static CommandLine commandLine(Io io) {
        RunCommand run = new RunCommand(io);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(run);
        spec.name("run");
        spec.versionProvider(new AstlockCli.Version());
        spec.usageMessage().sortOptions(false)
                .customSynopsis("astlock run [-hqvV] [--debug] [--mode=MODE] [--conf=FILE] [--timeout=DURATION] [--backend=ID]%n"
                    + "            DIR [--] COMMAND [ARG...]",
                    "astlock run [OPTIONS] DIR... -- COMMAND [ARG...]")
                .header("Run a command while holding folders' locks.")
                .description("Takes DIR's lock as Asterisk does, runs COMMAND with the standard streams inherited, releases"
                    + " the lock and exits with COMMAND's exit status. Keep COMMAND short: Asterisk gives up waiting after"
                    + " 4-5 s and may then drop a caller's message.",
                    "astlock's options go before DIR: everything after DIR is COMMAND with its own options, so"
                    + " 'astlock run DIR touch f -h' runs 'touch f -h'. A '--' right after DIR is allowed.",
                    "Several folders: 'astlock run DIR... -- COMMAND'; there the '--' is required, and every DIR must be an"
                    + " existing folder (otherwise the first word after DIR counts as COMMAND). They are locked in a fixed"
                    + " order, the same for every astlock: folders named Old after the others, folders named Deleted last"
                    + " (as Asterisk nests them), otherwise by device and inode number; a folder named twice is locked"
                    + " once. They are released in reverse order.",
                    "COMMAND runs in a session of its own (setsid). The lock is held until COMMAND and every process it"
                    + " started has ended, background processes included (a daemon that starts its own session is not"
                    + " followed).",
                    "While waiting longer than 1 s a line on standard error says who holds the lock (--quiet: none).",
                    "On SIGTERM or SIGINT, every process of COMMAND's session gets SIGTERM (SIGKILL after "
                    + RunCommand.GRACE_SECONDS + " s) and the lock is released only after all of them have ended. If"
                    + " astlock itself is killed with SIGKILL, a guard process kills COMMAND's session at once.%n")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(UsageMessageSpec.keyValuesMap("0:COMMAND succeeded",
                        "64:usage error (bad option, duration or mode, no COMMAND, several folders without --)",
                        "69:lock refused (symlink or odd file named lock, mode unsupported by the backend) or no usable backend",
                        "70:the lock was lost while COMMAND ran (someone removed it) and COMMAND succeeded",
                        "73:DIR missing or not a directory, or the lock file cannot be created (permission, read-only, full)",
                        "74:the lock could not be released (I/O error) and COMMAND succeeded",
                        "75:timeout: someone else held the lock for the whole --timeout",
                        "78:--mode auto: asterisk.conf exists but cannot be read",
                        "126:COMMAND cannot be executed",
                        "127:COMMAND not found",
                        "128+n:COMMAND was killed by signal n, or astlock by signal n (130 SIGINT, 143 SIGTERM)",
                        "other:COMMAND's own exit status"))
                .footer("%nExamples:",
                    "  # move a message out of INBOX (the .txt first, as Asterisk deletes)",
                    "  cd /var/spool/asterisk/voicemail/default/1234",
                    "  astlock run INBOX mv INBOX/msg0003.txt INBOX/msg0003.wav /backup/",
                    "  # two folders in one call",
                    "  astlock run INBOX Old -- sh -c 'ln INBOX/msg0003.wav Old/msg0007.wav && ...'");
        spec.addPositional(PositionalParamSpec.builder().index("0..*").arity("0..1").paramLabel("DIR... [--] COMMAND [ARG...]")
                .type(List.class).auxiliaryTypes(String.class)
                .description("the folder(s) to lock, e.g. voicemail folders, then the command and its arguments")
                .setter(run.words).getter(run.words).build());
        spec.addMixin("modes", run.modes.spec());
        spec.addOption(OptionSpec.builder("--timeout").paramLabel("DURATION").defaultValue(DEFAULT_TIMEOUT).type(Duration.class)
                .converters(new Durations.Converter())
                .description("how long to wait for the lock (for each DIR): 500ms, 5s, 1.5s, 2m; a bare number means"
                        + " seconds; 0 tries once (default: ${DEFAULT-VALUE})")
                .setter(run.timeout).getter(run.timeout).build());
        spec.addMixin("backend", run.backend.spec());
        spec.addOption(OptionSpec.builder("-q", "--quiet").type(boolean.class).description("no progress line while waiting")
                .setter(run.quiet).getter(run.quiet).build());
        AstlockCli.standardHelpOptions(spec);
        run.spec = spec;
        // everything after DIR is COMMAND, options included, as with env(1) or sudo(8)
        return new CommandLine(spec).setStopAtPositional(true);
    }

    /** The folders and the command of a {@code run} command line. */
    record Split(List<String> dirs, List<String> command) {
    }

    /**
     * Splits what follows astlock's options into folders and COMMAND: {@code DIR -- COMMAND},
     * {@code DIR COMMAND} (COMMAND may contain {@code --} and options), or
     * {@code DIR DIR... -- COMMAND} when every word before the first {@code --} is an existing
     * folder.
     *
     * @param words the words after the options
     * @param cwd   the directory relative folder names are resolved against
     * @return the folders and COMMAND (possibly empty)
     */
    static Split split(List<String> words, Path cwd) {
        if (words.isEmpty()) {
            return new Split(List.of(), List.of());
        }
        if (words.size() >= 2 && words.get(1).equals("--")) {
            return new Split(List.of(words.get(0)), List.copyOf(words.subList(2, words.size())));
        }
        int dd = words.indexOf("--");
        if (dd > 1) {
            boolean allDirs = true;
            for (String w : words.subList(0, dd)) {
                if (w.isEmpty() || w.startsWith("-") || !Files.isDirectory(cwd.resolve(w))) {
                    allDirs = false;
                    break;
                }
            }
            if (allDirs) {
                return new Split(List.copyOf(words.subList(0, dd)), List.copyOf(words.subList(dd + 1, words.size())));
            }
        }
        return new Split(List.of(words.get(0)), List.copyOf(words.subList(1, words.size())));
    }

    @Override
    public Integer call() throws Exception {
        Split split = split(words.value() == null ? List.of() : words.value(), Path.of(""));
        if (split.dirs().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "no DIR given: astlock run [OPTIONS] DIR [--] COMMAND [ARG...]");
        }
        if (split.command().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no COMMAND given: astlock run [OPTIONS] DIR"
                    + " [--] COMMAND [ARG...], or for several folders: astlock run [OPTIONS] DIR... -- COMMAND [ARG...]");
        }
        return run(split);
    }

    /**
     * Locks the folders, runs COMMAND and releases.
     *
     * @param split the folders and COMMAND, neither empty
     * @return the exit status
     * @throws Exception what {@link #call()} throws, but no usage error
     */
    int run(Split split) throws Exception {
        command = split.command();
        LockMode mode = modes.resolve(io);
        PathLocker locker = backend.locker(LockOptions.builder().mode(mode).timeout(timeout.value()).build());
        List<Path> targets = LockOrder.sort(split.dirs());
        if (io.verbose()) { // the messages are built only when they are shown
            io.info("locking " + targets + " (" + mode.asteriskName() + ": " + String.join(" and ", mode.lockFileNames())
                    + ") with backend " + locker.backend().id() + ", timeout " + Durations.format(timeout.value()));
        }

        State state = new State();
        try (ShutdownGuard.Registration hook = ShutdownGuard.onExit(state::shutdown)) {
            long waitStart = System.nanoTime();
            for (Path target : targets) {
                Integer stopped = lockOne(state, locker, target, mode);
                if (stopped != null) {
                    return stopped;
                }
            }
            if (io.verbose()) {
                io.info("locked " + targets + " after " + Durations.format(Duration.ofNanos(System.nanoTime() - waitStart))
                        + "; running " + commandLine());
            }
            return runLocked(state);
        }
    }

    /**
     * Takes one folder's lock and adopts it into {@code state}.
     *
     * @return {@code null} when locked; otherwise the exit status (the JVM is stopping)
     * @throws LockException when the lock cannot be taken (the locks already taken are released first)
     */
    private Integer lockOne(State state, PathLocker locker, Path target, LockMode mode) throws LockException {
        WaitProgress progress = Boolean.TRUE.equals(quiet.value()) ? null : WaitProgress.start(io.err, io.errIsTerminal, Duration.ofSeconds(1),
                Duration.ofSeconds(5), waited -> "astlock: waiting for " + target + " (" + mode.asteriskName()
                        + "), " + Durations.format(waited) + " of " + Durations.format(timeout.value()) + "; held by "
                        + WaitProgress.holder(locker, target, mode));
        try {
            if (!state.waiting(Thread.currentThread())) {
                return ExitCodes.SIGNAL_BASE + 15;
            }
            PathLock lock = locker.lockInterruptibly(target, timeout.value());
            if (!state.adopt(lock)) {
                return ExitCodes.SIGNAL_BASE + 15; // the JVM is stopping; the locks were released already
            }
            return null;
        } catch (InterruptedException e) {
            if (!state.stopping()) {
                io.error("interrupted while waiting for " + target);
            }
            state.releaseAll();
            return ExitCodes.SIGNAL_BASE + 15;
        } catch (LockException | RuntimeException e) {
            state.releaseAll();
            throw e;
        } finally {
            state.doneWaiting();
            if (progress != null) {
                progress.close();
            }
        }
    }

    private int runLocked(State state) {
        CommandSession session;
        int startStatus = precheck();
        if (startStatus != ExitCodes.OK) {
            return release(state, startStatus);
        }
        try {
            session = state.start(command);
        } catch (IOException e) {
            return release(state, startFailure(e));
        }
        if (session == null) {
            return ExitCodes.SIGNAL_BASE + 15;
        }
        Thread watchdog = new Thread(() -> watch(state), "astlock-lock-check");
        watchdog.setDaemon(true);
        watchdog.start();
        int status;
        try {
            status = session.leader().waitFor();
            if (io.verbose()) {
                io.info(commandLine() + " exited with " + status + (status > ExitCodes.SIGNAL_BASE
                        ? " (killed by signal " + (status - ExitCodes.SIGNAL_BASE) + ")" : ""));
            }
            awaitBackground(session);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state.stop(session);
            status = ExitCodes.SIGNAL_BASE + 2;
        } finally {
            watchdog.interrupt();
        }
        int result = release(state, status);
        session.finish();
        return result;
    }

    /** After COMMAND itself has exited: holds the lock while processes it started still run. */
    private void awaitBackground(CommandSession session) throws InterruptedException {
        if (session.awaitEnd(Duration.ofSeconds(2))) {
            return;
        }
        List<Long> left = session.members();
        if (!left.isEmpty()) {
            io.error(command.get(0) + " has exited, but processes it started still run: "
                    + CommandSession.describe(left) + "; the lock is held until they end");
        }
        session.awaitEnd(null);
    }

    /** Checks once a second that the locks are still ours, to warn as soon as one is lost. */
    private void watch(State state) {
        try {
            List<PathLock> locks = state.locks();
            List<PathLock> checked = new ArrayList<>(locks);
            while (!checked.isEmpty()) {
                Thread.sleep(1000);
                for (PathLock lock : List.copyOf(checked)) {
                    try {
                        lock.checkValid();
                    } catch (LockLostException e) {
                        state.lost = true;
                        checked.remove(lock);
                        io.warn(e.getMessage() + "; " + commandLine() + " is now running without the lock");
                    } catch (LockException e) {
                        if (lock.isReleased()) {
                            return;
                        }
                        io.info("cannot check the lock: " + e.getMessage());
                    }
                }
            }
        } catch (InterruptedException e) {
            // the command ended
        }
    }

    /** Releases every lock, newest first, and returns the exit status. */
    private int release(State state, int status) {
        synchronized (state.releasing) {
            return releaseHeld(state, status);
        }
    }

    private int releaseHeld(State state, int status) {
        int result = status;
        List<PathLock> locks = state.takeLocks();
        for (PathLock lock : locks) {
            try {
                lock.close();
                if (io.verbose()) {
                    io.info("released " + lock.directory());
                }
            } catch (LockLostException e) {
                if (state.lost) {
                    io.warn("the lock on " + lock.directory() + " had been lost; nothing was released there");
                } else {
                    io.warn(e.getMessage() + "; " + commandLine() + " ran at least partly without the lock");
                }
                if (result == ExitCodes.OK || result == ExitCodes.IO_ERROR) {
                    result = ExitCodes.SOFTWARE;
                }
            } catch (LockException e) {
                io.error("cannot release the lock: " + e.getMessage());
                if (result == ExitCodes.OK) {
                    result = ExitCodes.IO_ERROR;
                }
            }
        }
        return result;
    }

    /**
     * Returns COMMAND for messages, with arguments quoted where a shell would need it.
     *
     * @return COMMAND for messages, with arguments quoted where a shell would need it
     */
    private String commandLine() {
        StringBuilder sb = new StringBuilder();
        for (String a : command) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(a.matches("[A-Za-z0-9_@%+=:,./-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /**
     * Finds COMMAND as the shell would ({@code PATH} search unless it contains a slash), so that
     * "not found" and "cannot execute" are reported by astlock itself.
     *
     * @return {@link ExitCodes#OK}, or 127/126 after a message
     */
    private int precheck() {
        String name = command.get(0);
        Path found;
        if (name.contains("/")) {
            found = Path.of(name);
            if (!Files.exists(found)) {
                return notRunnable(ExitCodes.NOT_FOUND, "No such file or directory");
            }
        } else {
            found = CommandSession.onPath(name).orElse(null);
            if (found == null) {
                for (String d : pathDirs()) {
                    Path p = Path.of(d, name);
                    if (Files.exists(p)) {
                        return notRunnable(ExitCodes.CANNOT_EXECUTE, p + " is not an executable file");
                    }
                }
                return notRunnable(ExitCodes.NOT_FOUND, "not found in PATH");
            }
        }
        if (Files.isDirectory(found)) {
            return notRunnable(ExitCodes.CANNOT_EXECUTE, "it is a directory");
        }
        if (!Files.isExecutable(found)) {
            return notRunnable(ExitCodes.CANNOT_EXECUTE, "Permission denied");
        }
        return ExitCodes.OK;
    }

    private static List<String> pathDirs() {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>();
        for (String d : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            if (!d.isEmpty()) {
                dirs.add(d);
            }
        }
        return dirs;
    }

    private int notRunnable(int status, String why) {
        String hint = "";
        if (Files.isDirectory(Path.of(command.get(0)))) {
            hint = "; to lock several folders put -- before COMMAND: astlock run DIR... -- COMMAND";
        } else if (command.contains("--")) {
            hint = "; if " + command.get(0) + " was meant as a folder to lock, it is not an existing folder";
        }
        io.error("cannot run " + command.get(0) + ": " + why
                + (status == ExitCodes.NOT_FOUND ? " (command not found)" : " (cannot execute)") + hint);
        return status;
    }

    private int startFailure(IOException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        Matcher m = ERRNO.matcher(msg);
        int errno = m.find() ? Integer.parseInt(m.group(1)) : -1;
        // ENOENT (2) and ENOTDIR (20): not found, as the shell says 127; anything else: 126
        int status = errno == 2 || errno == 20 ? ExitCodes.NOT_FOUND : ExitCodes.CANNOT_EXECUTE;
        // Java 17: Cannot run program "x": error=2, No such file or directory
        // Java 25: Cannot run program "x": Exec failed, error: 2 (No such file or directory)
        String why = msg.startsWith("Cannot run program") && msg.contains("\": ") ? msg.substring(msg.indexOf("\": ") + 3)
                : msg;
        return notRunnable(status, why);
    }

    /**
     * The locks and command of one run, shared with the shutdown hook. The hook stops the
     * command first and releases the locks only then; a lock or command that appears after the
     * hook ran is undone at once.
     */
    private final class State {
        private final List<PathLock> locks = new ArrayList<>();
        private CommandSession session;
        private boolean stopping;
        private Thread waiter;
        private CountDownLatch waited = new CountDownLatch(0);
        volatile boolean lost;
        /**
         * Held while locks are taken from the list and closed, by whichever thread does it (the
         * main thread after COMMAND ended, or the shutdown hook), so the hook cannot return, and the
         * JVM halt, while the main thread is half-way through a release. Always taken before this
         * object's own monitor.
         */
        final Object releasing = new Object();

        /**
         * Returns {@code false} when the JVM is stopping already: then do not start to wait.
         *
         * @return {@code false} when the JVM is stopping already: then do not start to wait
         */
        synchronized boolean waiting(Thread t) {
            waiter = t;
            waited = new CountDownLatch(1);
            return !stopping;
        }

        /** The wait for a lock is over, one way or the other (a lock got is adopted by then). */
        void doneWaiting() {
            CountDownLatch l;
            synchronized (this) {
                waiter = null;
                l = waited;
            }
            l.countDown();
        }

        synchronized boolean stopping() {
            return stopping;
        }

        boolean adopt(PathLock l) {
            synchronized (this) {
                locks.add(l);
                if (!stopping) {
                    return true;
                }
            }
            releaseAll();
            return false;
        }

        synchronized List<PathLock> locks() {
            return List.copyOf(locks);
        }

        /**
         * Returns the locks, newest first, and forgets them.
         *
         * @return the locks, newest first
         */
        synchronized List<PathLock> takeLocks() {
            List<PathLock> l = new ArrayList<>(locks);
            Collections.reverse(l);
            locks.clear();
            return l;
        }

        /** Releases every lock taken so far, newest first (quietly: the failure is reported otherwise). */
        void releaseAll() {
            synchronized (releasing) {
                for (PathLock l : takeLocks()) {
                    closeQuietly(l);
                }
            }
        }

        /** Starts the command unless the JVM is stopping; {@code null} then. */
        CommandSession start(List<String> argv) throws IOException {
            synchronized (this) {
                if (!stopping) {
                    session = CommandSession.start(argv, io);
                    return session;
                }
            }
            releaseAll();
            return null;
        }

        /** The shutdown hook: stop the command's session, then release. */
        void shutdown() {
            CommandSession s;
            Thread w;
            CountDownLatch l;
            synchronized (this) {
                stopping = true;
                w = waiter;
                l = waited;
            }
            if (w != null) {
                // Still waiting for a lock: end the wait and let it finish, so that a lock taken
                // at this very moment is released (by adopt) instead of left behind by the JVM's halt.
                w.interrupt();
                try {
                    l.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (this) {
                s = session;
            }
            if (s != null && s.alive()) {
                io.error("stopping: sending SIGTERM to " + command.get(0) + " and the processes it started ("
                        + CommandSession.describe(s.members()) + ") before releasing the lock");
                stop(s);
            }
            releaseAll();
            if (s != null) {
                s.finish();
            }
        }

        void stop(CommandSession s) {
            try {
                s.stop(Duration.ofSeconds(GRACE_SECONDS), io, command.get(0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void closeQuietly(PathLock l) {
            try {
                l.close();
            } catch (LockException e) {
                io.warn("while stopping: " + e.getMessage());
            }
        }
    }
}
