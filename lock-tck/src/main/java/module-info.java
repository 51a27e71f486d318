/**
 * The astlock compatibility kit: abstract JUnit 5 test classes every backend must pass, with the
 * C reference of Asterisk's locking and helpers to run peers in other processes.
 */
module io.github.astlock.tck {
    requires transitive io.github.astlock.api;
    requires transitive org.junit.jupiter.api;

    exports io.github.astlock.tck;
    opens io.github.astlock.tck to org.junit.platform.commons;
}
