package io.github.astlock.cli;

import io.github.astlock.BackendInfo;
import io.github.astlock.LockBackends;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code astlock backends}: every backend found, its modes and whether it can run here. */
@Command(name = "backends", mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class, header = "List the lock backends and whether they can run here.",
        description = "Prints astlock's version, then lists the backends found, their modes and whether each can run here; the first usable one is"
            + " the default.")
final class BackendsCommand implements Callable<Integer> {
    private final Io io;

    BackendsCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        io.out.println("astlock " + AstlockCli.version() + " (Java " + Runtime.version() + ")");
        for (BackendInfo b : LockBackends.list()) {
            io.out.println(b.describe());
        }
        return ExitCodes.OK;
    }
}
