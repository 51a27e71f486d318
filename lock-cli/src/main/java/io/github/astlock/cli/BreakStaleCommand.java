package io.github.astlock.cli;

import io.github.astlock.LockOptions;
import io.github.astlock.LockStatus;
import io.github.astlock.PathLocker;
import io.github.astlock.StalePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
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
@Command(name = "break-stale", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Remove a stale .lock, race-free (dry run unless --yes).",
        description = {"Removes DIR/.lock when it is stale: its astlock owner no longer runs on this host"
            + " (--dead-owner), or it is older than --older-than (any .lock, Asterisk's too). Race-free: the lock is"
            + " renamed aside, checked to be the one judged stale, then removed. A lock whose owner is running is"
            + " never broken. Without --yes it only reports what it would do.",
            "flock(2) locks need no breaking: the kernel drops a dead holder's lock.%n"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:a stale lock was broken (with --yes) or would be broken (without)",
            "1:nothing is stale: no .lock, or its owner runs, or it is younger than --older-than",
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

    @Mixin
    BackendOption backend;

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
        PathLocker locker = backend.locker(LockOptions.defaults());
        Path target = dir.toAbsolutePath();
        LockStatus before = locker.status(target);
        Path lockFile = target.resolve(".lock");
        if (before.lockfile().isPresent()) {
            io.out.println(lockFile + ": held by " + WaitProgress.describe(before.lockfile().get()));
        }
        Optional<String> reason = locker.breakStaleLock(target, policy, !yes);
        if (reason.isEmpty()) {
            io.out.println(before.lockfile().isEmpty() ? "nothing to break: " + target + " has no .lock"
                    : "nothing to break: " + lockFile + " is not stale by the rule \"" + policy + "\"");
            return ExitCodes.HELD;
        }
        if (yes) {
            io.out.println("broke " + lockFile + ": " + reason.get());
        } else {
            io.out.println("would break " + lockFile + ": " + reason.get());
            io.out.println("(dry run: nothing was changed; add --yes to break it)");
        }
        return ExitCodes.OK;
    }
}
