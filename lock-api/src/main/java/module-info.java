/**
 * astlock's public API: lock Asterisk spool directories ({@code io.github.astlock}) and the
 * service provider interface for backends ({@code io.github.astlock.spi}).
 */
module io.github.astlock.api {
    requires org.slf4j;

    exports io.github.astlock;
    exports io.github.astlock.spi;

    uses io.github.astlock.spi.LockBackendProvider;
}
