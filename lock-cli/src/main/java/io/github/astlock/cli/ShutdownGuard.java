package io.github.astlock.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Runs clean-up actions when the JVM exits, on SIGTERM, SIGINT or SIGHUP included, in the
 * reverse order of registration, one after the other, in one shutdown hook. The order matters:
 * {@code astlock run} registers "release the lock" first and "stop the command" second, so
 * the command is stopped before the lock is released. (JVM shutdown hooks themselves run
 * concurrently, in no defined order; that is why the library's own release-at-exit hook is
 * switched off by {@link AstlockCli#main(String[])}.)
 */
final class ShutdownGuard {
    private static final Deque<Registration> ACTIONS = new ArrayDeque<>();
    private static boolean hooked;

    private ShutdownGuard() {
    }

    /** A registered action; closing it unregisters without running it. */
    static final class Registration implements AutoCloseable {
        private final Runnable action;

        private Registration(Runnable action) {
            this.action = action;
        }

        @Override
        public void close() {
            synchronized (ShutdownGuard.class) {
                ACTIONS.remove(this);
            }
        }
    }

    /**
     * Registers an action to run at JVM exit.
     *
     * @param action the action
     * @return the registration
     */
    static synchronized Registration onExit(Runnable action) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(ShutdownGuard::runAll, "astlock-shutdown"));
            hooked = true;
        }
        Registration r = new Registration(action);
        ACTIONS.push(r);
        return r;
    }

    private static void runAll() {
        List<Registration> todo;
        synchronized (ShutdownGuard.class) {
            todo = new ArrayList<>(ACTIONS); // newest first
            ACTIONS.clear();
        }
        for (Registration r : todo) {
            try {
                r.action.run();
            } catch (RuntimeException | Error e) {
                System.err.println("astlock: during shutdown: " + e);
            }
        }
    }
}
