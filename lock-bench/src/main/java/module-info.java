/**
 * astlock's benchmarks: JMH micro-benchmarks of an uncontended lock and release, and a harness
 * that measures waiting, hand-over, contention, scale and CLI start-up against the Asterisk C
 * reference, the plain system calls, flock(1) and dotlockfile in the same run.
 */
module io.github.astlock.bench {
    requires transitive io.github.astlock.api;
    requires transitive io.github.astlock.tck;
    requires jmh.core;
    requires java.management;
    requires jdk.management;

    exports io.github.astlock.bench;
}
