/**
 * The {@code jnr} backend: {@link io.github.astlock.jnr.JnrBackendProvider} maps each primitive
 * of {@link io.github.astlock.spi.FileOps} to one system call made through jnr-posix's native
 * layer, and reports failures with the C library's {@code errno}. Linux only.
 */
package io.github.astlock.jnr;
