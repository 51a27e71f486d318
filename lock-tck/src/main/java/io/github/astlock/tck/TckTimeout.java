package io.github.astlock.tck;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Bounds every kit test and its set-up and clean-up: each runs on a thread of its own and is
 * abandoned after {@link TckEnvironment#testLimit()}. The failure then names the backend call
 * that was still running (from the {@link Watchdog}) and shows where the test thread stood, so a
 * primitive that blocks becomes a readable failure instead of a run that never ends.
 */
final class TckTimeout implements InvocationInterceptor {

    /** The kit test the current thread (or the test thread that started it) runs. */
    private static final InheritableThreadLocal<String> CURRENT = new InheritableThreadLocal<>();

    TckTimeout() {
    }

    /**
     * Returns the name of the kit test method running on this thread, or an empty string.
     *
     * @return the name of the kit test method running on this thread, or an empty string
     */
    static String currentTest() {
        String t = CURRENT.get();
        return t == null ? "" : t;
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        try {
            bounded(invocation, call.getExecutable().getName(), context);
        } catch (AssertionError | RuntimeException e) {
            if (e.getClass().getName().startsWith("org.opentest4j.TestAbort")) {
                throw e; // a skip, not a failure
            }
            throw explained(e, call.getExecutable().getName(), context);
        }
    }

    /**
     * Adds to a failure what a backend author needs to act on it: the rule's text from
     * {@code SPEC.md}, the kit line that failed, and what the scratch directory holds.
     */
    private static AssertionError explained(Throwable e, String test, ExtensionContext context) {
        StringBuilder m = new StringBuilder(String.valueOf(e.getMessage() == null ? e.toString()
                : e instanceof AssertionError ? e.getMessage() : e.toString()));
        int u = test.indexOf('_');
        String rule = u > 0 ? test.substring(0, u) : test;
        String text = SpecText.rule(rule);
        m.append("\n  rule ").append(rule).append(text.isEmpty() ? "" : ": " + text);
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith(TckTimeout.class.getPackageName() + ".") && f.getFileName() != null
                    && f.getFileName().endsWith("Rules.java")) {
                m.append("\n  failed at ").append(f.getFileName()).append(':').append(f.getLineNumber());
                break;
            }
        }
        Object instance = context.getTestInstance().orElse(null);
        if (instance instanceof TckSupport kit && kit.dir != null) {
            m.append("\n  scratch directory ").append(kit.dir).append(" holds ");
            try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(kit.dir)) {
                m.append(s.map(p -> p.getFileName().toString()).sorted().collect(java.util.stream.Collectors.toList()));
            } catch (java.io.IOException | RuntimeException x) {
                m.append("(cannot list: ").append(x).append(')');
            }
        }
        AssertionError out = new AssertionError(m.toString(), e);
        out.setStackTrace(e.getStackTrace());
        return out;
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                          ExtensionContext context) throws Throwable {
        bounded(invocation, "set-up " + call.getExecutable().getName() + " of " + context.getDisplayName(), context);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                         ExtensionContext context) throws Throwable {
        bounded(invocation, "clean-up " + call.getExecutable().getName() + " of " + context.getDisplayName(), context);
    }

    private static void bounded(Invocation<Void> invocation, String what, ExtensionContext context) throws Throwable {
        Duration limit = TckEnvironment.testLimit();
        String test = context.getTestMethod().map(Method::getName).orElse("");
        FutureTask<Void> task = new FutureTask<>(() -> {
            CURRENT.set(test);
            try {
                return invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
        Thread runner = new Thread(task, "astlock-tck " + what);
        runner.setDaemon(true);
        runner.start();
        long deadline = System.nanoTime() + limit.toNanos();
        long primitiveLimit = primitiveLimit().toMillis();
        try {
            while (true) {
                try {
                    task.get(100, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    String stuck = Watchdog.runningLongerThan(test, primitiveLimit);
                    if (stuck != null) {
                        throw stuck(what, stuck, primitiveLimit, runner);
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw timedOut(what, test, limit, runner);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (InterruptedException e) {
            runner.interrupt();
            throw e;
        }
    }

    /**
     * The longest one primitive call may take before its test fails: a single system call
     * returns in microseconds, so this only catches calls that block or retry.
     */
    private static Duration primitiveLimit() {
        Duration twice = TckEnvironment.timeout().plus(TckEnvironment.timeoutSlack()).multipliedBy(2);
        Duration floor = Duration.ofSeconds(5);
        return twice.compareTo(floor) > 0 ? twice : floor;
    }

    private static AssertionError stuck(String what, String call, long limit, Thread runner) {
        return withStack(new AssertionError(what + " is blocked in the backend call " + call + ", longer than "
                + limit + " ms: a primitive must return at once (tryLockExclusive is flock(2) with LOCK_NB; "
                + "waiting and retrying are the core's job)"), runner);
    }

    private static AssertionError withStack(AssertionError error, Thread runner) {
        Throwable stack = new Throwable("where the abandoned test thread '" + runner.getName() + "' stood");
        stack.setStackTrace(runner.getStackTrace());
        error.initCause(stack);
        runner.interrupt();
        return error;
    }

    private static AssertionError timedOut(String what, String test, Duration limit, Thread runner) {
        StackTraceElement[] where = runner.getStackTrace();
        List<String> calls = Watchdog.inProgress(test);
        StringBuilder m = new StringBuilder();
        m.append(what).append(" did not end within ").append(limit.toMillis()).append(" ms (")
                .append(TckEnvironment.TEST_LIMIT_MS).append(")");
        if (!calls.isEmpty()) {
            m.append("; backend calls still running: ").append(calls);
        } else {
            m.append("; no backend call was running; the test thread waited in ").append(kitFrame(where));
        }
        return withStack(new AssertionError(m.toString()), runner);
    }

    /** The innermost frame of the kit or the library, which says what the test waited for. */
    private static String kitFrame(StackTraceElement[] where) {
        for (StackTraceElement f : where) {
            if (f.getClassName().startsWith("io.github.astlock.") && !f.getClassName().equals(TckTimeout.class.getName())) {
                return f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName()
                        + " (" + f.getFileName() + ":" + f.getLineNumber() + ")";
            }
        }
        return where.length == 0 ? "(unknown)" : where[0].toString();
    }
}
