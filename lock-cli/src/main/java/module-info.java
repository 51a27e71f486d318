/**
 * The {@code astlock} command: runs a command under an Asterisk-compatible folder lock, reports
 * who holds a folder, breaks stale locks, lists and changes voicemail messages, and demonstrates
 * all of it on a throwaway spool.
 * The runnable jar ({@code lock-cli/target/astlock.jar}) is shaded and runs on the class path;
 * this descriptor is for builds that put the module on the module path.
 */
module io.github.astlock.cli {
    requires io.github.astlock.api;
    requires io.github.astlock.voicemail;
    requires info.picocli;
    requires org.slf4j;

    exports io.github.astlock.cli;
    opens io.github.astlock.cli to info.picocli;
}
