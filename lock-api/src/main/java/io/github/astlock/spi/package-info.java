/**
 * The service provider interface for backends: {@link io.github.astlock.spi.LockBackendProvider}
 * supplies {@link io.github.astlock.spi.FileOps}, one method per system call. The lock protocols
 * themselves live in the core and are the same for every backend.
 */
package io.github.astlock.spi;
