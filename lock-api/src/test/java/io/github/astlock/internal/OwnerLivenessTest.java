package io.github.astlock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockOwner;
import io.github.astlock.LockOwner.Liveness;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The liveness judgement with fabricated records and a fabricated view of /proc. */
class OwnerLivenessTest {
    private static final String BOOT = "3065d173-7a48-464f-b479-3c3f1d1c9d98";
    private static final String HOST = "pbx1";
    /** The judge: boot BOOT, PID namespace 4026531836, time namespace 4026531834, /proc its own and complete. */
    private static final ProcessScope JUDGE = new ProcessScope(BOOT, "4026531836", "4026531834", true, false);

    private static LockOwner record(long pid, long start, String boot, String pidns, String timens) {
        return new LockOwner(pid, start, HOST, "jvm", "token", Instant.EPOCH, boot, pidns, timens);
    }

    private static LockOwner sameScope(long pid, long start) {
        return record(pid, start, BOOT, "4026531836", "4026531834");
    }

    private static LongUnaryOperator running(long pid, long start) {
        return p -> p == pid ? start : ProcessScope.GONE;
    }

    private static Liveness judge(LockOwner o, ProcessScope judge, LongUnaryOperator proc) {
        return OwnerLiveness.judge(o, judge, HOST, proc);
    }

    @Test
    void runningWithTheRecordedStartTimeIsAlive() {
        assertEquals(Liveness.ALIVE, judge(sameScope(4711, 900), JUDGE, running(4711, 900)));
    }

    @Test
    void goneOrReusedInTheJudgesOwnNamespaceIsDead() {
        assertEquals(Liveness.DEAD, judge(sameScope(4711, 900), JUDGE, running(1, 1)), "pid gone");
        assertEquals(Liveness.DEAD, judge(sameScope(4711, 900), JUDGE, running(4711, 1200)), "pid reused");
    }

    @Test
    void anotherPidNamespaceIsNeverDead() {
        // pid 1 of a container: in the judge's namespace pid 1 is init with another start time
        LockOwner container = record(1, 5000, BOOT, "4026532290", "4026531834");
        assertEquals(Liveness.UNKNOWN, judge(container, JUDGE, running(1, 2)));
        assertEquals(Liveness.UNKNOWN, judge(record(4711, 900, BOOT, "4026532290", "4026531834"), JUDGE,
                running(1, 1)), "a pid missing here may run there");
    }

    @Test
    void anotherBootOrHostIsNeverDead() {
        assertEquals(Liveness.UNKNOWN, judge(record(4711, 900, "another-boot", "4026531836", "4026531834"),
                JUDGE, running(1, 1)));
        assertEquals(Liveness.UNKNOWN, judge(record(4711, 900, "another-boot", "4026531836", "4026531834"),
                JUDGE, running(4711, 900)), "same numbers on another machine prove nothing");
    }

    @Test
    void hiddenOrUnreadableProcessesAreUnknown() {
        ProcessScope hidepid = new ProcessScope(BOOT, "4026531836", "4026531834", true, true);
        assertEquals(Liveness.UNKNOWN, judge(sameScope(4711, 900), hidepid, running(1, 1)),
                "under hidepid a missing /proc/PID may be another user's running process");
        assertEquals(Liveness.DEAD, judge(sameScope(4711, 900), hidepid, running(4711, 1200)),
                "a visible pid with another start time is proof even under hidepid");
        assertEquals(Liveness.UNKNOWN, judge(sameScope(4711, 900), JUDGE, p -> ProcessScope.UNREADABLE));
    }

    @Test
    void aProcOfAnotherNamespaceIsUnknown() {
        ProcessScope foreignProc = new ProcessScope(BOOT, "4026531836", "4026531834", false, false);
        assertEquals(Liveness.UNKNOWN, judge(sameScope(4711, 900), foreignProc, running(1, 1)));
        assertEquals(Liveness.UNKNOWN, judge(sameScope(4711, 900), foreignProc, running(4711, 900)));
    }

    @Test
    void startTimesOfAnotherTimeNamespaceDoNotCompare() {
        LockOwner o = record(4711, 900, BOOT, "4026531836", "4026532999");
        assertEquals(Liveness.UNKNOWN, judge(o, JUDGE, running(4711, 1200)));
        assertEquals(Liveness.DEAD, judge(o, JUDGE, running(1, 1)), "a missing pid is missing in every clock");
    }

    @Test
    void aJudgeThatDoesNotKnowItsOwnScopeNeverSaysDead() {
        ProcessScope blind = new ProcessScope("", "", "", true, false);
        assertEquals(Liveness.UNKNOWN, judge(sameScope(4711, 900), blind, running(1, 1)));
    }

    @Test
    void olderRecordsWithoutBootAndNamespaceAreNeverDead() {
        LockOwner old = record(4711, 900, "", "", "");
        assertEquals(Liveness.UNKNOWN, judge(old, JUDGE, running(1, 1)));
        assertEquals(Liveness.UNKNOWN, judge(old, JUDGE, running(4711, 1200)));
        assertEquals(Liveness.ALIVE, judge(old, JUDGE, running(4711, 900)), "running is still recognised");
        LockOwner otherHost = new LockOwner(4711, 900, "pbx2", "jvm", "t", Instant.EPOCH, "", "", "");
        assertEquals(Liveness.UNKNOWN, judge(otherHost, JUDGE, running(4711, 900)));
    }

    @Test
    void forgedPidsAndMissingStartTimesAreUnknown() {
        assertEquals(Liveness.UNKNOWN, judge(sameScope(0, 900), JUDGE, running(0, 900)));
        assertEquals(Liveness.UNKNOWN, judge(sameScope(-5, 900), JUDGE, p -> ProcessScope.GONE));
        assertEquals(Liveness.UNKNOWN, judge(sameScope(4711, -1), JUDGE, running(4711, 1200)));
        assertEquals(Liveness.DEAD, judge(sameScope(4711, -1), JUDGE, running(1, 1)), "gone is gone");
    }

    @Test
    void recordsRoundTripAndOlderRecordsAreStillRead() {
        LockOwner o = sameScope(4711, 900);
        assertEquals(o, LockOwner.parse(o.toBytes()).orElseThrow());
        String old = "astlock-owner 1\npid=4711\nstart=900\nhost=pbx1\njvm=j\ntoken=t\n"
                + "acquired=2026-11-26T03:04:05.123Z\n";
        LockOwner parsed = LockOwner.parse(old.getBytes(StandardCharsets.UTF_8)).orElseThrow();
        assertEquals("", parsed.boot());
        assertEquals("", parsed.pidNamespace());
        assertEquals(4711, parsed.pid());
        String newer = new String(o.toBytes(), StandardCharsets.UTF_8) + "future=field\n";
        assertEquals(o, LockOwner.parse(newer.getBytes(StandardCharsets.UTF_8)).orElseThrow());
    }

    @Test
    void thisJvmRecordsItsScopeAndIsAlive() {
        ProcessScope me = ProcessScope.current();
        LockOwner o = LockOwner.forThisProcess();
        assertEquals(ProcessHandle.current().pid(), o.pid());
        assertEquals(me.boot(), o.boot());
        assertEquals(me.pidNamespace(), o.pidNamespace());
        if (me.isKnown() && me.procIsOurs()) {
            assertEquals(Liveness.ALIVE, o.liveness(), o.toString());
        } else {
            assertEquals(Liveness.UNKNOWN, o.liveness(), "no /proc of our own here: " + me);
        }
    }

    @Test
    void hidepidIsReadFromTheMountTable() {
        String plain = "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n";
        String hidden = "22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw,hidepid=2,gid=4\n";
        String invisible = "22 1 0:21 / /proc rw master:3 - proc proc rw,hidepid=invisible\n";
        String off = "22 1 0:21 / /proc rw - proc proc rw,hidepid=0\n";
        String sys = "23 1 0:22 / /sys rw - sysfs sysfs rw\n";
        assertFalse(ProcessScope.hidesPids(sys + plain, "/proc"));
        assertTrue(ProcessScope.hidesPids(sys + hidden, "/proc"));
        assertTrue(ProcessScope.hidesPids(invisible, "/proc"));
        assertFalse(ProcessScope.hidesPids(off, "/proc"));
        assertFalse(ProcessScope.hidesPids(hidden + "30 22 0:40 / /proc rw - proc proc rw\n", "/proc"),
                "the last mount on /proc is the one seen");
        assertTrue(ProcessScope.hidesPids(sys, "/proc"), "no /proc mount known: assume hiding");
        assertTrue(ProcessScope.hidesPids("", "/proc"));
    }
}
