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
        bounded(invocation, call.getExecutable().getName(), context);
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
