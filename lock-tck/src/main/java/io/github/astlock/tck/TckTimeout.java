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
        try {
            task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            throw timedOut(what, limit, runner);
        } catch (InterruptedException e) {
            runner.interrupt();
            throw e;
        }
    }

    private static AssertionError timedOut(String what, Duration limit, Thread runner) {
        StackTraceElement[] where = runner.getStackTrace();
        List<String> own = Watchdog.inProgress(runner);
        List<String> all = Watchdog.inProgress();
        StringBuilder m = new StringBuilder();
        m.append(what).append(" did not end within ").append(limit.toMillis()).append(" ms (")
                .append(TckEnvironment.TEST_LIMIT_MS).append(")");
        if (!own.isEmpty()) {
            m.append("; it is blocked in the backend call ").append(own.get(own.size() - 1))
                    .append(": a primitive must return at once (tryLockExclusive is flock(2) with LOCK_NB)");
        } else if (!all.isEmpty()) {
            m.append("; backend calls still running: ").append(all);
        } else {
            m.append("; no backend call was running; the test thread stood at ")
                    .append(where.length == 0 ? "(unknown)" : where[0]);
        }
        AssertionError error = new AssertionError(m.toString());
        Throwable stack = new Throwable("where the abandoned test thread '" + runner.getName() + "' stood");
        stack.setStackTrace(where);
        error.initCause(stack);
        runner.interrupt();
        return error;
    }
}
