/**
 * Asterisk-compatible directory locks for the JVM. Start with {@link io.github.astlock.PathLocker};
 * configure it with {@link io.github.astlock.LockOptions} (or read Asterisk's own setting with
 * {@link io.github.astlock.AsteriskConfig}); every failure is a {@link io.github.astlock.LockException}.
 */
package io.github.astlock;
