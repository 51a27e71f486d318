/**
 * The {@code astlock} command line tool. {@link io.github.astlock.cli.AstlockCli} is the entry
 * point; {@link io.github.astlock.cli.ExitCodes} lists every exit status it returns.
 */
package io.github.astlock.cli;
