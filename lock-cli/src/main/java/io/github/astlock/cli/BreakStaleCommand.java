package io.github.astlock.cli;

import io.github.astlock.LockHolder;
import io.github.astlock.LockOptions;
import io.github.astlock.LockOwner;
import io.github.astlock.LockStatus;
import io.github.astlock.PathLocker;
import io.github.astlock.StalePolicy;
import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.LockBackendProvider;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code astlock break-stale}: removes a stale LOCKFILE-mode {@code .lock} through
 * {@link PathLocker#breakStaleLock(Path, StalePolicy, boolean)}, race-free (rename aside,
 * verify the inode, then remove). A dry run unless {@code --yes}.
 */
@Command(name = "break-stale", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class,
        header = "Remove a stale .lock, race-free (dry run unless --yes).",
        description = {"Removes DIR/.lock when it is stale: its astlock owner no longer runs on this host"
            + " (--dead-owner), or it is older than --older-than (any .lock, Asterisk's too). Race-free: the lock is"
            + " renamed aside, checked to be the one judged stale, then removed. A lock whose owner is running is"
            + " never broken. Without --yes it only reports what it would do.",
            "A .lock that is not a regular file (symbolic link, directory) is never broken. When the owner was an"
            + " 'astlock run' killed with SIGKILL, the break waits (up to 10 s) until its COMMAND has been stopped."
            + " Only the process that really removed the stale lock prints \"broke\" and exits 0.",
            "flock(2) locks need no breaking: the kernel drops a dead holder's lock.%n"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:a stale lock was broken (with --yes) or would be broken (without)",
            "1:nothing is stale: no .lock, or its owner runs, or it is younger than --older-than, or it is not a"
                + " regular file, or another process removed or replaced it meanwhile",
            "64:usage error (neither criterion given, --older-than below 1s)",
            "73:DIR missing or not a directory",
            "74:the break failed (I/O error)"})
final class BreakStaleCommand implements Callable<Integer> {
    private final Io io;

    @Spec
    CommandSpec spec;

    @Option(names = "--older-than", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "break a .lock older than this (its ctime), e.g. 10m; at least 1s. Choose far above any"
                    + " real hold time: Asterisk holds for milliseconds")
    Duration olderThan;

    @Option(names = "--dead-owner", description = "break a .lock whose astlock owner record names this host and a"
            + " process that is gone (Asterisk's empty .lock has no owner record and is never broken by this)")
    boolean deadOwner;

    @Option(names = "--yes", description = "really break it (default: dry run)")
    boolean yes;

    final BackendOption backend = new BackendOption();

    /** The options of {@link BackendOption#spec()}. */
    @Mixin
    CommandSpec backendOption = backend.spec();

    @Parameters(index = "0", paramLabel = "DIR", description = "the directory whose .lock to judge")
    Path dir;

    BreakStaleCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (olderThan == null && !deadOwner) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give at least one criterion: --older-than DURATION and/or --dead-owner");
        }
        StalePolicy policy;
        try {
            policy = deadOwner ? StalePolicy.deadOwner() : StalePolicy.NEVER;
            if (olderThan != null) {
                policy = policy.orOlderThan(olderThan);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--older-than: must be at least 1s, was "
                    + Durations.format(olderThan));
        }
        PathLocker plain = backend.locker(LockOptions.defaults());
        UnlinkWatch watch = new UnlinkWatch(plain.backend());
        PathLocker locker = PathLocker.create(LockOptions.defaults(), watch.provider());
        Path target = dir.toAbsolutePath();
        LockStatus before = locker.status(target);
        Path lockFile = target.resolve(".lock");
        if (before.lockfile().isEmpty()) {
            io.out.println("nothing to break: " + target + " has no .lock");
            return ExitCodes.HELD;
        }
        LockHolder holder = before.lockfile().get();
        io.out.println(lockFile + ": held by " + WaitProgress.describe(holder));
        if (holder.detail().isPresent()) {
            io.out.println("nothing to break: " + lockFile + " is not a regular file (" + kind(lockFile) + "), so it is"
                    + " never broken automatically; check what it is and remove it by hand");
            return ExitCodes.HELD;
        }
        if (deadOwner && holder.owner().isPresent() && holder.liveness() == LockOwner.Liveness.DEAD
                && !commandEnded(holder.owner().get().pid())) {
            io.out.println("nothing to break yet: the owner (pid " + holder.owner().get().pid() + ") is gone, but the"
                    + " command it ran is still being stopped; try again in a moment");
            return ExitCodes.HELD;
        }
        Optional<String> reason = locker.breakStaleLock(target, policy, !yes);
        if (reason.isEmpty()) {
            io.out.println("nothing to break: " + lockFile + " is not stale by the rule \"" + policy + "\"");
            return ExitCodes.HELD;
        }
        if (!yes) {
            io.out.println("would break " + lockFile + ": " + reason.get());
            io.out.println("(dry run: nothing was changed; add --yes to break it)");
            return ExitCodes.OK;
        }
        if (!watch.unlinked()) {
            // judged stale, but by the time of the break someone else had removed or replaced it
            io.out.println("did not break " + lockFile + ": it was removed or replaced by another process meanwhile"
                    + " (another break-stale, or its owner); nothing was changed here");
            return ExitCodes.HELD;
        }
        io.out.println("broke " + lockFile + ": " + reason.get());
        return ExitCodes.OK;
    }

    /**
     * Waits a little for the guard of a dead {@code astlock run} to finish stopping its command.
     *
     * @param ownerPid the dead owner's pid
     * @return {@code true} when no such guard runs (any more)
     */
    private static boolean commandEnded(long ownerPid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (CommandSession.guardRunning(ownerPid)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Tests only: runs just before the library renames {@code .lock} aside, to replay a concurrent break. */
    static volatile Runnable beforeRename;

    private static String kind(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                return "a symbolic link to " + Files.readSymbolicLink(p);
            }
            return a.isDirectory() ? "a directory" : "a special file";
        } catch (IOException e) {
            return "cannot be inspected: " + e.getMessage();
        }
    }

    /**
     * Wraps a backend to see whether this process itself removed anything during a break: the
     * library breaks a stale {@code .lock} by renaming it aside and removing it, and reports the
     * break as done also when another process was quicker, so a removal by this process is what
     * tells the two apart.
     */
    private static final class UnlinkWatch {
        private final LockBackendProvider backend;
        private final AtomicBoolean unlinked = new AtomicBoolean();

        UnlinkWatch(LockBackendProvider backend) {
            this.backend = backend;
        }

        boolean unlinked() {
            return unlinked.get();
        }

        LockBackendProvider provider() {
            FileOps ops = backend.fileOps();
            FileOps watched = proxy(FileOps.class, (proxy, m, args) -> {
                Runnable hook = beforeRename;
                if (hook != null && m.getName().equals("rename")) {
                    hook.run();
                }
                Object r = invoke(ops, m, args);
                if (m.getName().equals("unlink")) {
                    unlinked.set(true);
                }
                return r;
            });
            return proxy(LockBackendProvider.class, (proxy, m, args) ->
                    m.getName().equals("fileOps") && m.getParameterCount() == 0 ? watched : invoke(backend, m, args));
        }

        private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private static <T> T proxy(Class<T> type, InvocationHandler h) {
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
        }
    }
}
