package io.github.astlock.voicemail.ami.conformance;

/** The conformance cases with Asterisk in its default lock mode ({@code .lock} files). */
class LockfileConformanceTest extends AsteriskConformanceBase {
    @Override
    String lockMode() {
        return "lockfile";
    }
}
