package io.github.astlock.tck.selftest;

import static io.github.astlock.tck.selftest.BrokenBackendsTest.assertAllPass;
import static io.github.astlock.tck.selftest.BrokenBackendsTest.assertCaught;
import static io.github.astlock.tck.selftest.BrokenBackendsTest.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.tck.TckEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kit catches mistakes that pass single-threaded, single-call checks, each by a named rule
 * with a message that names the call, the path and what was wrong; the same rules pass on the
 * honest wrapper.
 */
class MisbehavingBackendsTest {

    @Test
    void sharedStatBufferIsCaught() {
        String[] tests = {"OPS01_concurrentCallsGiveExactResults"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(MisbehavingBackends.SharedStatBufferSubject.class, tests);
        assertCaught(o, tests[0], "OPS01:", "threads at once gave wrong answers", "expected ino");
    }

    @Test
    void secondCloseOfAReusedNumberIsCaught() {
        String[] tests = {"OPS02_secondCloseNeverClosesAReusedDescriptor", "SPI09_closeReleasesKeepsTheFileAndIsIdempotent"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(MisbehavingBackends.DoubleCloseSubject.class, tests);
        assertCaught(o, tests[0], "OPS02:", "second close()", "re-used meanwhile");
    }

    @Test
    void blockingTryLockFailsInsteadOfHanging() {
        String[] tests = {"OPS03_tryLockAnswersPromptlyWhileAnotherProcessHolds", "SPI08_tryLockIsFlockAcrossProcesses"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        long t0 = System.nanoTime();
        Map<String, String> o = run(MisbehavingBackends.BlockingTryLockSubject.class, tests);
        assertCaught(o, tests[0], "OPS03:", "tryLockExclusive()", "blocked", "LOCK_NB");
        assertCaught(o, tests[1], "is blocked in the backend call", "tryLockExclusive()", "/lock", "LOCK_NB");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(seconds < TckEnvironment.testLimit().toSeconds(), "a blocked primitive must fail its test before "
                + "the test's own limit; both tests took " + seconds + " s");
    }

    @Test
    void internalRetryIsCaught() {
        String[] tests = {"OPS03_tryLockAnswersPromptlyWhileAnotherProcessHolds"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(MisbehavingBackends.RetryingTryLockSubject.class, tests);
        assertCaught(o, tests[0], "OPS03:", "fastest of 5 calls", "must answer at once");
    }

    @Test
    void ctimeFromMtimeIsCaught() {
        String[] tests = {"OPS04_ctimeIsTheInodeChangeTime"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(MisbehavingBackends.CtimeFromMtimeSubject.class, tests);
        assertCaught(o, tests[0], "OPS04:", "ctime of lstat(", "after chmod");
    }

    @Test
    void readThroughALinkIsCaught() {
        String[] tests = {"OPS05_readAndListContracts"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(MisbehavingBackends.ReadFollowsLinksSubject.class, tests);
        assertCaught(o, tests[0], "OPS05:", "read(", "symbolic link", "ELOOP");
    }

    @Test
    void listWithoutDotFilesIsCaught() {
        String[] tests = {"OPS05_readAndListContracts"};
        Map<String, String> o = run(MisbehavingBackends.ListHidesDotFilesSubject.class, tests);
        assertCaught(o, tests[0], "OPS05:", "names of list(", ".lock-0123abcd");
    }

    @Test
    void fstatOfThePathIsCaught() {
        String[] tests = {"OPS06_fstatDescribesTheOpenFileNotThePath"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(MisbehavingBackends.FstatOfPathSubject.class, tests);
        assertCaught(o, tests[0], "OPS06:", "fstat of the descriptor", "not the path", "rule OPS06: `fstat` MUST describe the open descriptor");
    }

    @Test
    void leakOnADirectoryIsCaught() {
        String[] tests = {"SPI11_noDescriptorLeaks"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(MisbehavingBackends.LeakOnDirectorySubject.class, tests);
        assertCaught(o, tests[0], "SPI11:", "descriptor(s) leaked", "opened since and still open", "/sub");
        assertTrue(!o.get(tests[0]).contains("leaked by no descriptor"), o.get(tests[0]));
    }

    @Test
    void recursingAvailabilityIsCaught() {
        String[] tests = {"SPI10_providerMetadataIsWellFormed"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(MisbehavingBackends.RecursingAvailabilitySubject.class, tests);
        assertCaught(o, tests[0], "SPI10:", "availability()", "StackOverflowError", "must not throw");
    }
}
