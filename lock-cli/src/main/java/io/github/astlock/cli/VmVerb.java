package io.github.astlock.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every {@code astlock vm} verb has: the output streams, {@code --json}, and the options
 * that find the spool, its configuration and the lock settings.
 */
abstract class VmVerb implements Callable<Integer>, JsonOutput {
    /** Where results and messages go. */
    final Io io;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Mixin
    VmSpoolOptions spoolOptions;

    VmVerb(Io io) {
        this.io = io;
    }

    @Override
    public boolean json() {
        return json;
    }
}
