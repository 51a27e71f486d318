/**
 * The jnr-posix backend of astlock: LOCKFILE and FLOCK mode through real system calls made by
 * jnr-posix's native layer (jnr-ffi and jffi). It never runs on jnr-posix's pure-Java emulation:
 * when the native layer cannot be loaded the backend reports itself unusable, with the reason.
 */
module io.github.astlock.jnr {
    requires io.github.astlock.api;
    requires org.jnrproject.posix;
    requires org.jnrproject.constants;
    requires org.jnrproject.ffi;
    requires org.slf4j;
    // Not used here directly: jnr-ffi is an automatic module and cannot declare that it needs
    // ASM (an explicit module) to generate its bindings. Without these, on the module path ASM is
    // not resolved and the native layer fails with NoClassDefFoundError: org/objectweb/asm/...
    requires org.objectweb.asm.commons;
    requires org.objectweb.asm.util;

    // Not an API: the bindings of the *at and inotify system calls, which jnr-ffi implements in
    // classes it generates outside this module and which must therefore see the interfaces.
    exports io.github.astlock.jnr.calls;

    provides io.github.astlock.spi.LockBackendProvider with io.github.astlock.jnr.JnrBackendProvider;
}
