package io.github.astlock.cli;

/**
 * A command with a {@code --json} option: when such a command fails as a whole, the error is
 * also printed as JSON on standard output, {@code {"error": "...", "exitCode": N}}.
 */
interface JsonOutput {
    /**
     * Returns whether {@code --json} was given.
     *
     * @return whether JSON output was asked for
     */
    boolean json();
}
