package io.github.astlock.voicemail.ami.conformance;

/** The conformance cases with Asterisk in {@code lockmode=flock}. */
class FlockConformanceTest extends AsteriskConformanceBase {
    @Override
    String lockMode() {
        return "flock";
    }
}
