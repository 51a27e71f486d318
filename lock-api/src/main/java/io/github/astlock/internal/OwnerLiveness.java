package io.github.astlock.internal;

import io.github.astlock.LockOwner;
import io.github.astlock.LockOwner.Liveness;
import java.util.function.LongUnaryOperator;

/**
 * Decides whether the process named in an owner record still runs. DEAD is said only when it is
 * provable: the record was written in the judge's boot and PID namespace, the judge's
 * {@code /proc} shows that namespace and every process in it, and the pid is gone or now belongs
 * to a process with another start time. Everything else that is not ALIVE is UNKNOWN.
 */
public final class OwnerLiveness {
    private OwnerLiveness() {
    }

    /**
     * Judges a record from this JVM's point of view.
     *
     * @param owner the record
     * @return the judgement
     */
    public static Liveness judge(LockOwner owner) {
        return judge(owner, ProcessScope.current(), LockOwner.thisHost(), ProcessScope::startTicks);
    }

    /**
     * Judges a record from a given point of view.
     *
     * @param owner      the record
     * @param judge      the judge's scope
     * @param judgeHost  the judge's host name
     * @param startTicks the start time of a pid in the judge's {@code /proc}, or
     *                   {@link ProcessScope#GONE} / {@link ProcessScope#UNREADABLE}
     * @return the judgement
     */
    public static Liveness judge(LockOwner owner, ProcessScope judge, String judgeHost, LongUnaryOperator startTicks) {
        if (owner.pid() <= 0) {
            return Liveness.UNKNOWN;
        }
        boolean recordHasScope = !owner.boot().isEmpty() && !owner.pidNamespace().isEmpty();
        if (recordHasScope) {
            if (!judge.isKnown() || !judge.procIsOurs() || !owner.boot().equals(judge.boot())
                    || !owner.pidNamespace().equals(judge.pidNamespace())) {
                return Liveness.UNKNOWN; // another boot, host or PID namespace: its pids mean nothing here
            }
        } else if (!owner.host().equals(judgeHost) || !judge.procIsOurs()) {
            return Liveness.UNKNOWN; // an older record: it can at most be seen alive
        }
        long now = startTicks.applyAsLong(owner.pid());
        if (now == ProcessScope.UNREADABLE || now < 0 && now != ProcessScope.GONE) {
            return Liveness.UNKNOWN;
        }
        if (now == ProcessScope.GONE) {
            return recordHasScope && !judge.procHides() ? Liveness.DEAD : Liveness.UNKNOWN;
        }
        if (owner.start() >= 0 && now == owner.start()) {
            return Liveness.ALIVE;
        }
        if (!recordHasScope || owner.start() < 0) {
            return Liveness.UNKNOWN;
        }
        // The pid belongs to a process with another start time. Start times are shown shifted by the
        // reader's time namespace, so they only compare within one.
        // (Both are empty only on a kernel without time namespaces, where all start times compare.)
        return owner.timeNamespace().equals(judge.timeNamespace()) ? Liveness.DEAD : Liveness.UNKNOWN;
    }
}
