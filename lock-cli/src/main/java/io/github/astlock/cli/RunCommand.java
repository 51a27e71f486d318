package io.github.astlock.cli;

import io.github.astlock.LockException;
import io.github.astlock.LockLostException;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code astlock run}: takes DIR's lock, runs COMMAND with the standard streams inherited,
 * releases the lock and exits with COMMAND's status. On SIGTERM, SIGINT or SIGHUP it sends
 * SIGTERM to COMMAND, waits up to {@value #GRACE_SECONDS} s (then SIGKILL), and only then
 * releases the lock.
 */
@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
        customSynopsis = "astlock run [-hqvV] [--debug] [--mode=MODE] [--conf=FILE] [--timeout=DURATION] [--backend=ID]%n"
            + "            DIR -- COMMAND [ARG...]",
        header = "Run a command while holding a folder's lock.",
        description = {"Takes DIR's lock as Asterisk does, runs COMMAND with the standard streams inherited, releases"
            + " the lock and exits with COMMAND's exit status. Keep COMMAND short: Asterisk gives up waiting after"
            + " 4-5 s and may then drop a caller's message.",
            "While waiting longer than 1 s a line on standard error says who holds the lock (--quiet: none).",
            "On SIGTERM or SIGINT, COMMAND gets SIGTERM (SIGKILL after " + RunCommand.GRACE_SECONDS + " s) and the"
            + " lock is released only after COMMAND has ended.%n"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:COMMAND succeeded",
            "64:usage error (bad option, duration or mode, no COMMAND)",
            "69:lock refused (symlink or odd file named lock, mode unsupported by the backend) or no usable backend",
            "70:the lock was lost while COMMAND ran (someone removed it) and COMMAND succeeded",
            "73:DIR missing or not a directory, or the lock file cannot be created (permission, read-only, full)",
            "74:the lock could not be released (I/O error) and COMMAND succeeded",
            "75:timeout: someone else held the lock for the whole --timeout",
            "78:--mode auto: asterisk.conf exists but cannot be read",
            "126:COMMAND cannot be executed",
            "127:COMMAND not found",
            "128+n:COMMAND was killed by signal n, or astlock by signal n (130 SIGINT, 143 SIGTERM)",
            "other:COMMAND's own exit status"},
        footer = {"%nExample: move a message out of INBOX (the .txt first, as Asterisk deletes):",
            "  cd /var/spool/asterisk/voicemail/default/1234",
            "  astlock run INBOX -- mv INBOX/msg0003.txt INBOX/msg0003.wav /backup/"})
final class RunCommand implements Callable<Integer> {
    /** Seconds COMMAND has to stop after SIGTERM before it is killed. */
    static final int GRACE_SECONDS = 3;

    private static final Pattern ERRNO = Pattern.compile("error(?:=|: )(\\d+)");

    private final Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    ModeSelection modes;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.Converter.class,
            description = "how long to wait for the lock: 500ms, 5s, 1.5s, 2m; a bare number means seconds;"
                    + " 0 tries once (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Mixin
    BackendOption backend;

    @Option(names = {"-q", "--quiet"}, description = "no progress line while waiting")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "DIR", description = "the directory to lock, e.g. a voicemail folder")
    Path dir;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "the command and its arguments, after --")
    List<String> command;

    RunCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (command == null || command.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "no COMMAND given: astlock run [OPTIONS] DIR -- COMMAND [ARG...]");
        }
        LockMode mode = modes.resolve(io);
        PathLocker locker = backend.locker(LockOptions.builder().mode(mode).timeout(timeout).build());
        Path target = dir.toAbsolutePath();
        io.info("locking " + target + " (" + mode.asteriskName() + ": " + String.join(" and ", mode.lockFileNames())
                + ") with backend " + locker.backend().id() + ", timeout " + Durations.format(timeout));

        State state = new State();
        try (ShutdownGuard.Registration hook = ShutdownGuard.onExit(state::shutdown)) {
            PathLock lock;
            long waitStart = System.nanoTime();
            WaitProgress progress = quiet ? null : WaitProgress.start(io.err, io.errIsTerminal, Duration.ofSeconds(1),
                    Duration.ofSeconds(5), waited -> "astlock: waiting for " + target + " (" + mode.asteriskName()
                            + "), " + Durations.format(waited) + " of " + Durations.format(timeout) + "; held by "
                            + WaitProgress.holder(locker, target, mode));
            try {
                if (!state.waiting(Thread.currentThread())) {
                    return ExitCodes.SIGNAL_BASE + 15;
                }
                lock = locker.lockInterruptibly(target, timeout);
                if (!state.adopt(lock)) {
                    return ExitCodes.SIGNAL_BASE + 15; // the JVM is stopping; the lock was released already
                }
            } catch (InterruptedException e) {
                if (!state.stopping()) {
                    io.error("interrupted while waiting for " + target);
                }
                return ExitCodes.SIGNAL_BASE + 15;
            } finally {
                state.doneWaiting();
                if (progress != null) {
                    progress.close();
                }
            }
            io.info("locked " + target + " after " + Durations.format(Duration.ofNanos(System.nanoTime() - waitStart))
                    + "; running " + commandLine());
            return runLocked(state, lock);
        }
    }

    private int runLocked(State state, PathLock lock) {
        Process process;
        try {
            process = state.start(new ProcessBuilder(command).inheritIO());
        } catch (IOException e) {
            int status = startFailure(e);
            return release(lock, status, state);
        }
        if (process == null) {
            return ExitCodes.SIGNAL_BASE + 15;
        }
        Thread watchdog = new Thread(() -> watch(lock, state), "astlock-lock-check");
        watchdog.setDaemon(true);
        watchdog.start();
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state.stop(process);
            status = ExitCodes.SIGNAL_BASE + 2;
        } finally {
            watchdog.interrupt();
        }
        io.info(commandLine() + " exited with " + status + (status > ExitCodes.SIGNAL_BASE
                ? " (killed by signal " + (status - ExitCodes.SIGNAL_BASE) + ")" : ""));
        return release(lock, status, state);
    }

    /** Checks once a second that the lock is still ours, to warn as soon as it is lost. */
    private void watch(PathLock lock, State state) {
        try {
            while (true) {
                Thread.sleep(1000);
                try {
                    lock.checkValid();
                } catch (LockLostException e) {
                    state.lost = true;
                    io.warn(e.getMessage() + "; " + commandLine() + " is now running without the lock");
                    return;
                } catch (LockException e) {
                    if (lock.isReleased()) {
                        return;
                    }
                    io.info("cannot check the lock: " + e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            // the command ended
        }
    }

    private int release(PathLock lock, int status, State state) {
        try {
            lock.close();
            io.info("released " + lock.directory());
            return status;
        } catch (LockLostException e) {
            if (state.lost) {
                io.warn("the lock on " + lock.directory() + " had been lost; nothing was released");
            } else {
                io.warn(e.getMessage() + "; " + commandLine() + " ran at least partly without the lock");
            }
            return status == ExitCodes.OK ? ExitCodes.SOFTWARE : status;
        } catch (LockException e) {
            io.error("cannot release the lock: " + e.getMessage());
            return status == ExitCodes.OK ? ExitCodes.IO_ERROR : status;
        }
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
        io.error("cannot run " + command.get(0) + ": " + why
                + (status == ExitCodes.NOT_FOUND ? " (command not found)" : " (cannot execute)"));
        return status;
    }

    /**
     * The lock and command of one run, shared with the shutdown hook. The hook stops the
     * command first and releases the lock only then; a lock or command that appears after the
     * hook ran is undone at once.
     */
    private final class State {
        private PathLock lock;
        private Process process;
        private boolean stopping;
        private Thread waiter;
        private final java.util.concurrent.CountDownLatch waited = new java.util.concurrent.CountDownLatch(1);
        volatile boolean lost;

        /**
         * Returns {@code false} when the JVM is stopping already: then do not start to wait.
         *
         * @return {@code false} when the JVM is stopping already: then do not start to wait
         */
        synchronized boolean waiting(Thread t) {
            waiter = t;
            return !stopping;
        }

        /** The wait for the lock is over, one way or the other (a lock got is adopted by then). */
        void doneWaiting() {
            synchronized (this) {
                waiter = null;
            }
            waited.countDown();
        }

        synchronized boolean stopping() {
            return stopping;
        }

        synchronized boolean adopt(PathLock l) {
            if (stopping) {
                closeQuietly(l);
                return false;
            }
            lock = l;
            return true;
        }

        /** Starts the command unless the JVM is stopping; {@code null} then. */
        synchronized Process start(ProcessBuilder pb) throws IOException {
            if (stopping) {
                closeQuietly(lock);
                return null;
            }
            process = pb.start();
            return process;
        }

        /** The shutdown hook: stop the command, then release. */
        void shutdown() {
            Process p;
            PathLock l;
            Thread w;
            synchronized (this) {
                stopping = true;
                w = waiter;
            }
            if (w != null) {
                // Still waiting for the lock: end the wait and let it finish, so that a lock taken
                // at this very moment is released (by adopt) instead of left behind by the JVM's halt.
                w.interrupt();
                try {
                    waited.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (this) {
                p = process;
                l = lock;
            }
            if (p != null && p.isAlive()) {
                io.error("stopping: sending SIGTERM to " + command.get(0) + " (pid " + p.pid()
                        + ") before releasing " + dir);
                stop(p);
            }
            if (l != null) {
                closeQuietly(l);
            }
        }

        void stop(Process p) {
            p.destroy();
            try {
                if (!p.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                    io.error(command.get(0) + " (pid " + p.pid() + ") ignored SIGTERM for " + GRACE_SECONDS
                            + " s: killing it");
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void closeQuietly(PathLock l) {
            if (l == null) {
                return;
            }
            try {
                l.close();
            } catch (LockException e) {
                io.warn("while stopping: " + e.getMessage());
            }
        }
    }
}
