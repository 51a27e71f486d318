package io.github.astlock.tck;

import io.github.astlock.spi.FileOps;
import io.github.astlock.spi.FlockFile;
import io.github.astlock.spi.LockBackendProvider;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Wraps the backend under test so that every primitive call in progress is known: when a test
 * hangs, its failure names the call that blocked ({@code FlockFile.tryLockExclusive() on
 * .../lock}), the thread and for how long. Calls go to the backend unchanged.
 */
final class Watchdog {
    private static final AtomicLong IDS = new AtomicLong();
    private static final Map<Long, Call> IN_PROGRESS = new ConcurrentHashMap<>();

    private Watchdog() {
    }

    /** One primitive call in progress. */
    private record Call(String description, Thread thread, long startNanos, String test) {
        long millis() {
            return (System.nanoTime() - startNanos) / 1_000_000;
        }

        String describe() {
            return description + " (on thread '" + thread.getName() + "', running for "
                    + (System.nanoTime() - startNanos) / 1_000_000 + " ms)";
        }
    }

    /**
     * Returns a provider that hands out watched operations and is otherwise the backend itself.
     *
     * @param backend the backend under test
     * @return the watched provider
     */
    static LockBackendProvider watch(LockBackendProvider backend) {
        return proxy(LockBackendProvider.class, backend, null, (m, args, result) ->
                m.getName().equals("fileOps") && result instanceof FileOps ops ? watch(ops) : result);
    }

    /**
     * Returns operations that record each call while it runs.
     *
     * @param ops the backend's operations
     * @return the watched operations
     */
    static FileOps watch(FileOps ops) {
        return proxy(FileOps.class, ops, "FileOps", (m, args, result) -> result instanceof FlockFile f
                ? proxy(FlockFile.class, f, "FlockFile of " + args[0], (x, a, r) -> r) : result);
    }

    /**
     * Returns descriptions of the primitive calls a kit test is in now, on any thread it started,
     * oldest first.
     *
     * @param test the name of the kit test method
     * @return the calls, oldest first
     */
    static List<String> inProgress(String test) {
        return calls(test).stream().map(Call::describe).collect(Collectors.toList());
    }

    /**
     * Returns the longest-running primitive call of a kit test, if it has run longer than a limit.
     *
     * @param test  the name of the kit test method
     * @param limit the limit in milliseconds
     * @return its description, or {@code null}
     */
    static String runningLongerThan(String test, long limit) {
        return calls(test).stream().filter(c -> c.millis() > limit).findFirst().map(Call::describe).orElse(null);
    }

    private static List<Call> calls(String test) {
        List<Map.Entry<Long, Call>> calls = new ArrayList<>(IN_PROGRESS.entrySet());
        calls.sort(Map.Entry.comparingByKey());
        return calls.stream().map(Map.Entry::getValue).filter(c -> c.test().equals(test)).collect(Collectors.toList());
    }

    /** What to do with a result before it is returned. */
    private interface Result {
        Object map(Method m, Object[] args, Object result);
    }

    private static <T> T proxy(Class<T> type, T target, String label, Result after) {
        InvocationHandler h = (p, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                switch (m.getName()) {
                    case "equals":
                        return p == args[0];
                    case "hashCode":
                        return System.identityHashCode(p);
                    default:
                        return "watched " + target;
                }
            }
            long id = label == null ? -1 : IDS.incrementAndGet();
            if (label != null) {
                IN_PROGRESS.put(id, new Call(label + ": " + m.getName() + "(" + arguments(m, args) + ")",
                        Thread.currentThread(), System.nanoTime(), TckTimeout.currentTest()));
            }
            try {
                return after.map(m, args, m.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (label != null) {
                    IN_PROGRESS.remove(id);
                }
            }
        };
        return type.cast(Proxy.newProxyInstance(Watchdog.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static String arguments(Method m, Object[] args) {
        if (args == null) {
            return "";
        }
        return Arrays.stream(args).map(a -> {
            if (a instanceof byte[] b) {
                return b.length + " bytes";
            }
            if (a instanceof Integer i && !m.getName().equals("read")) {
                return "0" + Integer.toOctalString(i);
            }
            return a instanceof Path ? a.toString() : String.valueOf(a);
        }).collect(Collectors.joining(", "));
    }
}
