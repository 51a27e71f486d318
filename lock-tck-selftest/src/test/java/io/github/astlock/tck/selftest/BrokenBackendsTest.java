package io.github.astlock.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * The kit has teeth: each deliberately broken backend is caught by the named rules, with a
 * readable message, and the same rules pass on the honest wrapper (so the failures come from
 * the defect, not from the wrapper).
 */
class BrokenBackendsTest {

    /** Runs the named kit tests on a subject and returns each one's outcome and message. */
    static Map<String, String> run(Class<?> subject, String... tests) {
        List<MethodSelector> selectors = new ArrayList<>();
        for (String t : tests) {
            selectors.add(selectMethod(subject.getName() + "#" + t));
        }
        Map<String, String> outcome = new TreeMap<>();
        EngineTestKit.engine("junit-jupiter").selectors(selectors.toArray(new MethodSelector[0])).execute()
                .testEvents().list().stream()
                .filter(e -> e.getType() == EventType.FINISHED || e.getType() == EventType.SKIPPED)
                .forEach(e -> outcome.put(name(e), describe(e)));
        assertEquals(tests.length, outcome.size(), "every selected test must run: " + outcome);
        return outcome;
    }

    private static String name(Event e) {
        String n = e.getTestDescriptor().getLegacyReportingName();
        return n.contains("(") ? n.substring(0, n.indexOf('(')) : n;
    }

    private static String describe(Event e) {
        if (e.getType() == EventType.SKIPPED) {
            return "SKIPPED " + e.getPayload(String.class).orElse("");
        }
        TestExecutionResult r = e.getPayload(TestExecutionResult.class).orElseThrow();
        Optional<Throwable> t = r.getThrowable();
        return r.getStatus() + t.map(x -> " " + x.getClass().getSimpleName() + ": " + x.getMessage()).orElse("");
    }

    static void assertCaught(Map<String, String> outcome, String test, String... words) {
        String o = outcome.get(test);
        assertTrue(o != null && o.startsWith("FAILED"), test + " must fail on this backend, was: " + o);
        for (String w : words) {
            assertTrue(o.contains(w), test + " must explain itself with '" + w + "': " + o);
        }
    }

    static void assertAllPass(Class<?> subject, String... tests) {
        Map<String, String> outcome = run(subject, tests);
        outcome.forEach((t, o) -> assertTrue(o.equals("SUCCESSFUL"), "control: " + t + " must pass on the honest wrapper: " + o));
    }

    @Test
    void fcntlFlockIsCaughtByTheFlockPeers() {
        String[] tests = {"SPI08_tryLockIsFlockAcrossProcesses", "IO05_waitsForFlockCommand", "IO06_flockCommandWaitsForUs"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(BrokenBackends.FileChannelFlockSubject.class, tests);
        assertCaught(o, "SPI08_tryLockIsFlockAcrossProcesses", "flock(1) holds the file", "fcntl");
        assertCaught(o, "IO05_waitsForFlockCommand", "must time out");
        assertCaught(o, "IO06_flockCommandWaitsForUs", "flock -n must fail");
    }

    @Test
    void linkIgnoringEexistIsCaught() {
        // Two JVMs on this backend still exclude each other (XP01 passes): the directory lock keeps
        // astlock processes apart whatever happens to .lock. The broken link shows against an
        // existing .lock and against Asterisk.
        String[] tests = {"SPI02_linkReportsEveryExistingEntryAsFalse", "LF03_existingRegularFileBlocks",
            "IO01_waitsForAsteriskLockfile"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(BrokenBackends.LinkIgnoresEexistSubject.class, tests);
        assertCaught(o, "SPI02_linkReportsEveryExistingEntryAsFalse", "link onto existing");
        assertCaught(o, "LF03_existingRegularFileBlocks", "LockTimeoutException");
        assertCaught(o, "IO01_waitsForAsteriskLockfile", "must time out");
    }

    @Test
    void nonExclusiveCreateIsCaught() {
        String[] tests = {"SPI01_createExclusiveNeverTouchesAnExistingEntry"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(BrokenBackends.NonExclusiveCreateSubject.class, tests);
        assertCaught(o, "SPI01_createExclusiveNeverTouchesAnExistingEntry", "EEXIST");
    }

    @Test
    void missingIdentityCheckIsCaught() {
        String[] tests = {"FL05_waiterNeverKeepsAnOrphan", "SPI05_lstatAndStatAgreeWithAnIndependentReader"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(BrokenBackends.InodeNumbersLostSubject.class, tests);
        assertCaught(o, "FL05_waiterNeverKeepsAnOrphan", "kept the orphaned inode");
        assertCaught(o, "SPI05_lstatAndStatAgreeWithAnIndependentReader", "ino of");
    }

    @Test
    void directoryLockThatExcludesNobodyIsCaught() {
        String[] tests = {"XR01_asteriskOrphanNeverLetsTwoAstlockHoldersInFlock",
            "XR02_asteriskBlindUnlockNeverLetsTwoAstlockHoldersInLockfile"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(BrokenBackends.DirectoryLockExcludesNobodySubject.class, tests);
        assertCaught(o, "XR01_asteriskOrphanNeverLetsTwoAstlockHoldersInFlock", "J2 got the lock while J1 still held it");
        assertCaught(o, "XR02_asteriskBlindUnlockNeverLetsTwoAstlockHoldersInLockfile",
                "J2 got the lock while J1 still held it");
    }

    @Test
    void renameThatChangesTheInodeIsCaughtByTheReleaseRace() {
        String[] tests = {"XR03_releaseNeverRemovesAStrangersLock"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(BrokenBackends.CopyingRenameSubject.class, tests);
        assertCaught(o, "XR03_releaseNeverRemovesAStrangersLock", "Asterisk's .lock");
    }

    @Test
    void blockingReadIsCaughtByTheFifo() {
        String[] tests = {"RL01_fifoInPlaceOfTheLockNeverBlocks"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(BrokenBackends.BlockingReadSubject.class, tests);
        assertCaught(o, "RL01_fifoInPlaceOfTheLockNeverBlocks", "blocked on a FIFO");
    }

    @Test
    void interruptibleReadIsCaughtByTheInterruptedClose() {
        String[] tests = {"RL03_interruptedCloseReleases"};
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(BrokenBackends.InterruptibleReadSubject.class, tests);
        assertCaught(o, "RL03_interruptedCloseReleases");
    }

    @Test
    void missingChownIsCaughtByTheOwnershipRule() {
        String[] tests = {"XR05_afterRootTheDirectoryOwnerLocksAtOnce"};
        Map<String, String> honest = run(BrokenBackends.HonestSubject.class, tests);
        org.junit.jupiter.api.Assumptions.assumeFalse(honest.get(tests[0]).startsWith("SKIPPED"),
                "the ownership rule itself is skipped here: " + honest.get(tests[0]));
        assertAllPass(BrokenBackends.HonestSubject.class, tests);
        Map<String, String> o = run(BrokenBackends.NoChownSubject.class, tests);
        assertCaught(o, "XR05_afterRootTheDirectoryOwnerLocksAtOnce", "the directory's owner could not lock");
    }
}
